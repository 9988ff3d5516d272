/**
 * The push-based stream of the network model: items are buffered until a data listener is
 * attached, then delivered in order on microtasks (never re-entrantly); end/error once, last.
 */
import type { SimStream } from './types.js';
import type { LndRpcError } from './rpc-error.js';

type Terminal = { readonly kind: 'end' } | { readonly kind: 'error'; readonly error: LndRpcError };

/** The model's implementation of {@link SimStream}, with the producer side (`push`, `end`, `fail`). */
export class SimStreamImpl<T> implements SimStream<T> {
  private readonly queue: T[] = [];
  private terminal: Terminal | null = null;
  private closed = false;
  private delivered = false;
  private scheduled = false;
  private dataFn: ((item: T) => void) | null = null;
  private endFn: (() => void) | null = null;
  private errorFn: ((error: LndRpcError) => void) | null = null;

  /** @param onDetach called once when the stream stops (end, error or consumer close) so the producer forgets it. */
  constructor(private readonly onDetach: () => void = () => {}) {}

  get isOpen(): boolean {
    return !this.closed && this.terminal === null;
  }

  onData(fn: (item: T) => void): void {
    this.dataFn = fn;
    this.schedule();
  }

  onEnd(fn: () => void): void {
    this.endFn = fn;
    this.schedule();
  }

  onError(fn: (error: LndRpcError) => void): void {
    this.errorFn = fn;
    this.schedule();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    if (this.terminal === null) this.onDetach();
  }

  /** Queues an item (ignored once the stream ended or was closed). */
  push(item: T): void {
    if (!this.isOpen) return;
    this.queue.push(item);
    this.schedule();
  }

  /** Ends the stream normally after the queued items. */
  end(): void {
    this.finish({ kind: 'end' });
  }

  /** Ends the stream with an error after the queued items. */
  fail(error: LndRpcError): void {
    this.finish({ kind: 'error', error });
  }

  private finish(terminal: Terminal): void {
    if (!this.isOpen) return;
    this.terminal = terminal;
    this.onDetach();
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    if (this.closed) return;
    if (this.queue.length > 0 && !this.dataFn) return;
    while (this.queue.length > 0 && !this.closed && this.dataFn) this.dataFn(this.queue.shift() as T);
    if (this.queue.length > 0) return;
    if (this.closed || this.terminal === null || this.delivered) return;
    if (this.terminal.kind === 'end') {
      if (!this.endFn) return;
      this.delivered = true;
      this.endFn();
    } else {
      if (!this.errorFn) return;
      this.delivered = true;
      this.errorFn(this.terminal.error);
    }
  }
}
