/** One unary gRPC call with a deadline, its failure mapped to an lnkit error. */
import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { toLightningError } from './map-grpc-error.js';

/** A method of the loaded package definition, request and response untyped. */
export type LndMethod = MethodDefinition<object, unknown>;

/**
 * Calls `method` on `client` with `deadline = now + timeoutMs`. Resolves with the decoded response;
 * rejects with an lnkit error whose `cause` is the gRPC error.
 */
export function callUnary(
  client: grpc.Client,
  method: LndMethod,
  request: object,
  metadata: grpc.Metadata,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    try {
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + timeoutMs },
        (error, response) => (error ? reject(toLightningError(error)) : resolve(response)),
      );
    } catch (error) {
      reject(toLightningError(error));
    }
  });
}
