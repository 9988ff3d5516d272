/**
 * A webhook receiver on plain node:http: raw body, verifyWebhook, dedup by webhook-id, fast 2xx.
 * The same steps apply in Express (see docs/webhook-receivers.md).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
// In your app: import { … } from 'lnkit/webhooks';
import { createWebhookDeduplicator, isLightningError, verifyWebhook, type VerifiedWebhook } from 'lnkit/webhooks';

/** Options of {@link createReceiver}. */
export interface ReceiverOptions {
  /** Current secret first, then the previous one during a rotation. */
  readonly secrets: readonly string[];
  /** Called once per webhook-id, after verification. Throwing makes lnkit retry. */
  readonly onEvent: (event: VerifiedWebhook) => void | Promise<void>;
  /** The path to accept. Default is `/lnkit-webhooks`. */
  readonly path?: string;
  /** Largest body accepted. Default is 256 KiB. */
  readonly maxBodyBytes?: number;
}

function readRaw(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        resolve(null);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Creates (does not start) the receiver. */
export function createReceiver(options: ReceiverOptions): Server {
  const path = options.path ?? '/lnkit-webhooks';
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  // Longer than lnkit's ≈ 3-day retry window. In production use a shared store (Redis, SQL).
  const dedup = createWebhookDeduplicator({ ttlMs: 4 * 24 * 3600_000 });

  return createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    const body = await readRaw(req, maxBodyBytes);
    if (body === null) {
      res.writeHead(413).end();
      return;
    }
    let event: VerifiedWebhook;
    try {
      event = verifyWebhook({ body, headers: req.headers, secrets: options.secrets });
    } catch (error) {
      // INVALID_SECRET is our own misconfiguration: a 500 makes lnkit retry once it is fixed.
      const status = isLightningError(error) && error.code !== 'INVALID_SECRET' ? 400 : 500;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(isLightningError(error) ? error.code : 'error');
      return;
    }
    try {
      const outcome = await dedup.run(event.id, () => options.onEvent(event));
      res.writeHead(outcome.duplicate ? 200 : 204).end(outcome.duplicate ? 'duplicate' : undefined);
    } catch {
      res.writeHead(500).end(); // lnkit retries with the same webhook-id
    }
  });
}
