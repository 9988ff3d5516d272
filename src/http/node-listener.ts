/**
 * `toNodeListener`: a Fetch-API handler as a `node:http` request listener, for `http.createServer`,
 * Express (`app.use`) and Fastify (`reply.raw` after `reply.hijack()`). Streams the response body with
 * back-pressure and aborts the request's signal when the client goes away, so event streams end.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** A Fetch-API handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** A `node:http` request listener. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  // Express strips its mount path from req.url and keeps the full one in originalUrl.
  const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const url = new URL(path, `http://${req.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

async function send(response: Response, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body || req.method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  // Headers go out now: an event stream may wait a while for its first byte.
  res.flushHeaders();
  const reader = response.body.getReader();
  res.once('close', () => {
    if (!res.writableFinished) void reader.cancel().catch(() => undefined);
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) {
      await new Promise<void>((resolve) => {
        const go = (): void => {
          res.off('drain', go);
          res.off('close', go);
          resolve();
        };
        res.on('drain', go);
        res.on('close', go);
      });
    }
  }
  if (!res.destroyed) res.end();
}

/**
 * Adapts a Fetch-API handler to `node:http`.
 * @example http.createServer(toNodeListener(checkout.fetch)).listen(3000)
 * @example app.use('/api/invoices', toNodeListener(checkout.fetch)) // Express
 */
export function toNodeListener(handler: FetchHandler): NodeListener {
  return (req, res) => {
    const controller = new AbortController();
    // The client went away before the response ended (a closed tab): abort, so event streams end.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    void (async () => {
      try {
        await send(await handler(toRequest(req, controller.signal)), req, res);
      } catch {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end('{"error":{"code":"INTERNAL","message":"internal error"}}');
        } else res.destroy();
      }
    })();
  };
}
