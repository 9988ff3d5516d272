/**
 * The shape of one simulated RPC: a unary function or a stream opener over a model node.
 */
import type { SimNode, SimStream } from '../network/types.js';
import type { Wire } from './wire-out.js';
import type { WireRequest } from './wire-in.js';

/**
 * What a handler answers: a wire message for proto-loader's serializer, or the message's bytes
 * already encoded (invoice-encode.ts), which the server sends unchanged.
 */
export type RpcResponse = Wire | Buffer;

/** A model stream paired with its item → wire message mapping. */
export interface OpenedStream {
  readonly stream: SimStream<unknown>;
  readonly map: (item: unknown) => RpcResponse;
  /** Items for which this returns true are not written (e.g. `no_inflight_updates`). */
  readonly skip?: (item: unknown) => boolean;
}

/** One RPC implementation, keyed by LND method name in a service's handler table. */
export type RpcHandler =
  | { readonly kind: 'unary'; run(request: WireRequest, node: SimNode): RpcResponse }
  | { readonly kind: 'stream'; open(request: WireRequest, node: SimNode): OpenedStream };

/** Builds a unary handler. */
export const unary = (run: (request: WireRequest, node: SimNode) => RpcResponse): RpcHandler => ({
  kind: 'unary',
  run,
});

/** Builds a server-streaming handler. */
export function serverStream<T>(
  open: (request: WireRequest, node: SimNode) => SimStream<T>,
  map: (item: T) => RpcResponse,
  skip?: (request: WireRequest) => ((item: T) => boolean) | undefined,
): RpcHandler {
  return {
    kind: 'stream',
    open: (request, node) => {
      const stream = open(request, node) as SimStream<unknown>;
      const skipItem = skip?.(request) as ((item: unknown) => boolean) | undefined;
      return { stream, map: map as (item: unknown) => RpcResponse, ...(skipItem ? { skip: skipItem } : {}) };
    },
  };
}
