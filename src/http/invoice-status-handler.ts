/**
 * `createInvoiceStatusHandler`: the public, read-only face of invoices for a checkout page, as one
 * Fetch-API handler (`Request` → `Response`) that mounts under any path prefix.
 */
import type { Invoice } from '../domain/invoice.js';
import { isLightningError } from '../errors.js';
import type { LightningEventBus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import { corsHeaders, preflight, type CorsConfig } from './cors.js';
import { createInvoiceWatchers } from './invoice-watchers.js';
import { toPublicInvoiceJSON } from './public-invoice.js';
import { lightningUri, renderQrSvg } from './qr-svg.js';
import {
  createStatusEventEncoder,
  EVENT_STREAM_HEADERS,
  openStatusStream,
  parseLastStatus,
  type OpenStream,
} from './status-stream.js';

/** Where the handler reads invoices and hears their changes: a `Lightning` from `createLightning` fits. */
export interface InvoiceStatusSource {
  readonly invoices: {
    /** The invoice with this id. @throws {InvoiceNotFoundError} when there is none */
    get(id: string): Promise<Invoice>;
  };
  readonly events: LightningEventBus;
}

/** Configuration of {@link createInvoiceStatusHandler}. */
export interface InvoiceStatusHandlerConfig {
  /** The lnkit instance (any replica: a follower hears every change through its bus). */
  readonly lightning: InvoiceStatusSource;
  /** Interval of the `: heartbeat` comment that keeps proxies and load balancers from closing an idle stream. Default is 15 s. */
  readonly heartbeatMs?: number;
  /** The reconnect delay the stream asks EventSource to use (`retry:`). Default is 2 s. */
  readonly retryMs?: number;
  /** Cross-origin access for pages served from another origin. Default is none (same origin only). */
  readonly cors?: CorsConfig;
  /** Receives lookups that failed for a reason other than "no such invoice" (a store outage). Default is silent. */
  readonly logger?: Logger;
}

/** What {@link createInvoiceStatusHandler} returns. */
export interface InvoiceStatusHandler {
  /**
   * Answers `GET …/:id`, `GET …/:id/events`, `GET …/:id/qr.svg` (and HEAD, and OPTIONS for CORS); 404 for
   * other paths and unknown ids, 405 for other methods.
   */
  fetch(request: Request): Promise<Response>;
  /** Ends every open event stream (call before closing the HTTP server). The handler still answers afterwards. */
  close(): void;
  /** Number of open event streams. */
  readonly openStreams: number;
}

/** Default heartbeat: below the 30–60 s idle timeouts of common proxies and load balancers. */
export const DEFAULT_HEARTBEAT_MS = 15_000;
/** Default `retry:` of the stream. */
export const DEFAULT_RETRY_MS = 2_000;

const ID_PATTERN = /^inv_[0-9a-z]{26}$/;
type Route = { readonly id: string; readonly view: 'json' | 'events' | 'qr' };

/** Finds `<id>`, `<id>/events` or `<id>/qr.svg` at the end of the path, whatever the prefix. */
function route(pathname: string): Route | null {
  const parts = pathname.split('/').filter((part) => part !== '');
  const last = parts.at(-1);
  const view = last === 'events' ? 'events' : last === 'qr.svg' ? 'qr' : 'json';
  const id = view === 'json' ? last : parts.at(-2);
  return id !== undefined && ID_PATTERN.test(id) ? { id, view } : null;
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${field}: expected a positive number, got ${value}`);
  return value;
}

function json(status: number, body: unknown, headers: Headers): Response {
  headers.set('content-type', 'application/json; charset=utf-8');
  headers.set('cache-control', 'no-store');
  headers.set('x-content-type-options', 'nosniff');
  return new Response(JSON.stringify(body), { status, headers });
}

const notFound = (headers: Headers): Response =>
  json(404, { error: { code: 'INVOICE_NOT_FOUND', message: 'no such invoice' } }, headers);

/**
 * Creates the public invoice handler: a JSON view, a live status stream (Server-Sent Events) and a QR
 * code. It creates nothing and shows nothing private (see docs/web-checkout.md).
 * @throws {TypeError} when a duration is not a positive number
 * @example
 * const checkout = createInvoiceStatusHandler({ lightning });
 * app.use('/api/invoices', toNodeListener(checkout.fetch)); // Express
 */
export function createInvoiceStatusHandler(config: InvoiceStatusHandlerConfig): InvoiceStatusHandler {
  const heartbeatMs = positive(config.heartbeatMs, DEFAULT_HEARTBEAT_MS, 'heartbeatMs');
  const retryMs = positive(config.retryMs, DEFAULT_RETRY_MS, 'retryMs');
  const { lightning, cors, logger } = config;
  const watchers = createInvoiceWatchers(lightning.events);
  const streams = new Set<OpenStream>();
  // One timer beats every open stream.
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const register = (stream: OpenStream): (() => void) => {
    streams.add(stream);
    heartbeat ??= setInterval(() => {
      for (const open of streams) open.beat();
    }, heartbeatMs);
    return () => {
      streams.delete(stream);
      if (streams.size === 0) {
        clearInterval(heartbeat);
        heartbeat = undefined;
      }
    };
  };
  const encode = createStatusEventEncoder();

  const lookup = async (id: string): Promise<Invoice> => lightning.invoices.get(id);

  async function answer(request: Request, found: Route, headers: Headers): Promise<Response> {
    if (found.view === 'events' && request.method === 'HEAD') {
      await lookup(found.id);
      for (const [name, value] of Object.entries(EVENT_STREAM_HEADERS)) headers.set(name, value);
      return new Response(null, { status: 200, headers });
    }
    if (found.view === 'events') {
      const lastEventId = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId');
      return openStatusStream({
        id: found.id,
        lastStatus: parseLastStatus(lastEventId),
        lookup,
        watchers,
        retryMs,
        encode,
        signal: request.signal,
        headers,
        register,
      });
    }
    const invoice = await lookup(found.id);
    if (found.view === 'json') return json(200, toPublicInvoiceJSON(invoice), headers);
    headers.set('content-type', 'image/svg+xml');
    // The payment request of an invoice never changes.
    headers.set('cache-control', 'private, max-age=86400, immutable');
    headers.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    headers.set('x-content-type-options', 'nosniff');
    return new Response(renderQrSvg(lightningUri(invoice.paymentRequest)), { status: 200, headers });
  }

  return {
    async fetch(request) {
      const headers = corsHeaders(cors, request.headers.get('origin'));
      const found = route(new URL(request.url).pathname);
      if (request.method === 'OPTIONS') return preflight(cors, headers);
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        headers.set('allow', 'GET, HEAD, OPTIONS');
        return json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'only GET and HEAD' } }, headers);
      }
      if (!found) return notFound(headers);
      try {
        return await answer(request, found, headers);
      } catch (error) {
        if (isLightningError(error) && (error.code === 'INVOICE_NOT_FOUND' || error.code === 'INVALID_INPUT')) {
          return notFound(headers);
        }
        logger?.error({ invoice_id: found.id, err: error }, 'invoice status lookup failed');
        headers.set('retry-after', '5');
        return json(503, { error: { code: 'UNAVAILABLE', message: 'invoice status is unavailable, retry' } }, headers);
      }
    },
    close() {
      for (const stream of [...streams]) stream.end();
    },
    get openStreams() {
      return streams.size;
    },
  };
}
