/**
 * The Server-Sent Events stream of one invoice's status: the current status at once, then each later
 * status until the invoice can no longer be paid (settled, cancelled or expired), then the stream ends.
 * The event id is the status itself: an invoice never returns to a status it left, so `Last-Event-ID`
 * tells exactly what the client has seen.
 */
import {
  INVOICE_STATUSES,
  canTransitionInvoice,
  isFinalInvoiceStatus,
  type Invoice,
  type InvoiceStatus,
} from '../domain/invoice.js';
import type { InvoiceWatchers } from './invoice-watchers.js';
import { toPublicInvoiceJSON } from './public-invoice.js';

/** What {@link openStatusStream} needs. */
export interface StatusStreamInput {
  readonly id: string;
  /** The status the client saw last (from `Last-Event-ID`), or null. */
  readonly lastStatus: InvoiceStatus | null;
  /** Reads the invoice from the store. @throws when it does not exist */
  readonly lookup: (id: string) => Promise<Invoice>;
  readonly watchers: InvoiceWatchers;
  readonly retryMs: number;
  readonly signal: AbortSignal;
  /** Headers to add (CORS). */
  readonly headers: Headers;
  /** From {@link createStatusEventEncoder}, shared by the handler's streams. */
  readonly encode: (invoice: Invoice) => Uint8Array;
  /** Registers the open stream (for the handler's heartbeat and `close()`); returns its remover. */
  readonly register: (stream: OpenStream) => () => void;
}

/** An open stream, as the handler sees it. */
export interface OpenStream {
  /** Writes a `: heartbeat` comment. */
  beat(): void;
  /** Ends the stream (idempotent). */
  end(): void;
}

/** The response headers of an event stream; buffering off for nginx and the like. */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
};

/** True when an invoice in status `from` can later be in status `to` (one step or two). */
export function isLaterStatus(from: InvoiceStatus, to: InvoiceStatus): boolean {
  return (
    canTransitionInvoice(from, to) ||
    INVOICE_STATUSES.some((middle) => canTransitionInvoice(from, middle) && canTransitionInvoice(middle, to))
  );
}

/**
 * True for the statuses that end a stream: the invoice can no longer be paid. `expired` is one though an
 * expired invoice may still be recorded as settled (LND is the truth): a client that reconnects after
 * `expired` is sent that settlement, or 204 when there is none.
 */
export function endsStream(status: InvoiceStatus): boolean {
  return status !== 'open' && status !== 'accepted';
}

/** Reads a status from a `Last-Event-ID` value; anything else means "nothing seen yet". */
export function parseLastStatus(value: string | null): InvoiceStatus | null {
  const text = value?.trim() ?? '';
  return (INVOICE_STATUSES as readonly string[]).includes(text) ? (text as InvoiceStatus) : null;
}

/** One `status` event in SSE framing. */
export function statusEvent(invoice: Invoice): string {
  return `id: ${invoice.status}\nevent: status\ndata: ${JSON.stringify(toPublicInvoiceJSON(invoice))}\n\n`;
}

/** Encodes status events, each invoice object once: one bus event reaches every stream of its invoice as the same object. */
export function createStatusEventEncoder(): (invoice: Invoice) => Uint8Array {
  const encoder = new TextEncoder();
  const encoded = new WeakMap<Invoice, Uint8Array>();
  return (invoice) => {
    let bytes = encoded.get(invoice);
    if (!bytes) {
      bytes = encoder.encode(statusEvent(invoice));
      encoded.set(invoice, bytes);
    }
    return bytes;
  };
}

/**
 * Opens the stream: listens first, then reads the current status, so no change can slip between the two.
 * @throws what `lookup` throws (nothing is left listening)
 */
export async function openStatusStream(input: StatusStreamInput): Promise<Response> {
  const headers = new Headers(input.headers);
  for (const [name, value] of Object.entries(EVENT_STREAM_HEADERS)) headers.set(name, value);
  // Nothing follows a final status: 204 tells EventSource to stop reconnecting.
  const done = (): Response => new Response(null, { status: 204, headers: input.headers });
  if (input.lastStatus && isFinalInvoiceStatus(input.lastStatus)) return done();

  const early: Invoice[] = [];
  let deliver = (invoice: Invoice): void => void early.push(invoice);
  const unwatch = input.watchers.watch(input.id, (invoice) => deliver(invoice));
  let invoice: Invoice;
  try {
    invoice = await input.lookup(input.id);
  } catch (error) {
    unwatch();
    throw error;
  }
  if (input.lastStatus === 'expired' && invoice.status === 'expired') {
    unwatch();
    return done();
  }

  const encoder = new TextEncoder();
  let seen = input.lastStatus;
  let closed = false;
  let unregister = (): void => undefined;
  let end = (): void => undefined;
  const cleanup = (): void => {
    if (closed) return;
    closed = true;
    unwatch();
    unregister();
    input.signal.removeEventListener('abort', end);
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (chunk: string | Uint8Array): void => {
        if (!closed) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      };
      end = () => {
        if (closed) return;
        cleanup();
        controller.close();
      };
      const offer = (next: Invoice): void => {
        // Stale or repeated (a replay, a lagging replica, payment.received after invoice.settled): skip.
        if (closed || (seen !== null && !isLaterStatus(seen, next.status))) return;
        seen = next.status;
        write(input.encode(next));
        // Ended on a later turn: every stream of the invoice gets the event before any spends time closing.
        if (endsStream(next.status)) setTimeout(end, 0);
      };
      write(`retry: ${input.retryMs}\n\n`);
      offer(invoice);
      for (const next of early.splice(0)) offer(next);
      deliver = offer;
      if (closed) return;
      unregister = input.register({ beat: () => write(': heartbeat\n\n'), end });
      input.signal.addEventListener('abort', end, { once: true });
      if (input.signal.aborted) end();
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, { status: 200, headers });
}
