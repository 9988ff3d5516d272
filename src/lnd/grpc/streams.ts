/**
 * A server-streaming gRPC call as an `AsyncIterable`: each iteration opens its own call; `break`,
 * `return()`, the abort signal or the client's close cancel it; a server `end` ends the iteration;
 * an error throws the mapped lnkit error.
 */
import type * as grpc from '@grpc/grpc-js';
import { toLightningError } from './map-grpc-error.js';

const GRPC_CANCELLED = 1;
const HIGH_WATER = 64;
const LOW_WATER = 16;

type Item =
  | { readonly kind: 'data'; readonly value: unknown }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly error: unknown };

/** Hooks of {@link streamIterable}. */
export interface StreamOptions<T> {
  /** Opens the call (through the breaker check); rejects with an lnkit error. */
  readonly open: () => Promise<grpc.ClientReadableStream<unknown>>;
  /** Converts and validates one message (throws an lnkit error when malformed). */
  readonly convert: (value: unknown) => T;
  /** When true for an item, the iteration ends after yielding it (a terminal state). */
  readonly isFinal?: (item: T) => boolean;
  readonly signal?: AbortSignal;
  /** Called when the first message arrives (the connection works). */
  readonly onFirstMessage?: () => void;
  /** Called with the mapped error of a stream that failed after it opened. */
  readonly onError?: (error: unknown) => void;
  /** Registers the call's cancel function so that `close()` can end it; returns the unregister function. */
  readonly track: (cancel: () => void) => () => void;
}

/** Wraps a server-streaming call as an `AsyncIterable`. */
export function streamIterable<T>(options: StreamOptions<T>): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => iterate(options)[Symbol.asyncIterator]() };
}

async function* iterate<T>(options: StreamOptions<T>): AsyncGenerator<T, void, undefined> {
  const { signal } = options;
  if (signal?.aborted) return;
  const call = await options.open();
  const queue: Item[] = [];
  let wake: (() => void) | null = null;
  let paused = false;
  const push = (item: Item): void => {
    queue.push(item);
    if (!paused && queue.length >= HIGH_WATER) {
      paused = true;
      call.pause();
    }
    wake?.();
    wake = null;
  };
  call.on('data', (value: unknown) => push({ kind: 'data', value }));
  call.on('error', (error: unknown) => push({ kind: 'error', error }));
  call.on('end', () => push({ kind: 'end' }));
  let finished = false;
  let cancelledByUs = false;
  let sawMessage = false;
  const cancel = (): void => {
    if (finished) return;
    cancelledByUs = true;
    call.cancel();
  };
  signal?.addEventListener('abort', cancel, { once: true });
  const untrack = options.track(cancel);
  try {
    for (;;) {
      const item = queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (paused && queue.length <= LOW_WATER) {
        paused = false;
        call.resume();
      }
      if (item.kind === 'end') return;
      if (item.kind === 'error') {
        // Our own cancel (abort, break, close) ends the iteration quietly.
        if (cancelledByUs && (item.error as { code?: unknown }).code === GRPC_CANCELLED) return;
        const mapped = toLightningError(item.error);
        options.onError?.(mapped);
        throw mapped;
      }
      if (!sawMessage) {
        sawMessage = true;
        options.onFirstMessage?.();
      }
      const value = options.convert(item.value);
      yield value;
      if (options.isFinal?.(value)) return;
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    untrack();
    cancel();
    finished = true;
  }
}
