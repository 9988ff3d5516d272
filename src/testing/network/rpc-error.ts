/**
 * The error the network model throws: LND's gRPC status code and its exact `details` text.
 */

/** An LND RPC error as grpc-js would surface it (`code` + `details`); map it with `mapLndError`. */
export class LndRpcError extends Error {
  constructor(
    /** gRPC status code (2 UNKNOWN for plain LND errors, 5 NOT_FOUND, 6 ALREADY_EXISTS, 14 UNAVAILABLE…). */
    readonly code: number,
    /** LND's error text, e.g. `'unable to locate invoice'`. */
    readonly details: string,
  ) {
    super(`${code} ${STATUS_NAMES[code] ?? 'UNKNOWN'}: ${details}`);
    this.name = 'LndRpcError';
  }
}

const STATUS_NAMES: Record<number, string> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  9: 'FAILED_PRECONDITION',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

/** Shorthand for a plain LND error (gRPC UNKNOWN). */
export const unknownError = (details: string): LndRpcError => new LndRpcError(2, details);
