/**
 * The table from an LND error (gRPC status code + LND's `details` text) to lnkit's typed errors.
 * Shared by the gRPC adapter and the in-memory fake so both fail the same way.
 */
import {
  CircuitOpenError,
  InvoiceAlreadyExistsError,
  InvoiceNotFoundError,
  LndAuthenticationError,
  LndConnectionError,
  LndError,
  LndPermissionError,
  LndTimeoutError,
  LndUnavailableError,
  PaymentNotFoundError,
  isLightningError,
  type LightningError,
} from '../errors.js';

/** gRPC status codes lnkit cares about. */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** The shape of an LND error as grpc-js reports it (and as the simulator's model throws it). */
export interface LndErrorLike {
  readonly code: number;
  readonly details: string;
}

/** True when `value` has a numeric gRPC `code` and a string `details`. */
export function isLndErrorLike(value: unknown): value is LndErrorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LndErrorLike).code === 'number' &&
    typeof (value as LndErrorLike).details === 'string'
  );
}

const TLS_HINT = /ssl|tls|certificate|handshake|self[- ]signed|unable to verify/i;
/** LND's answers to a macaroon it cannot even parse (garbled, truncated, not hex). */
const UNREADABLE_MACAROON =
  /(?:unable to (?:unmarshal|decode) macaroon|invalid byte in macaroon|encoding\/hex: invalid)/i;

/**
 * LND's `details` without grpc-js's trailers: an empty `Resolution note:` (or one that only repeats
 * nothing) says nothing and hides the real cause at the end of the line.
 */
export function cleanDetails(details: string): string {
  return details.replace(/\s*Resolution note:\s*$/, '').trim();
}

/**
 * Maps an LND/gRPC error to an lnkit error, keeping the original as `cause`.
 * Already-typed lnkit errors pass through unchanged.
 * @example mapLndError({ code: 5, details: 'unable to locate invoice' }) // InvoiceNotFoundError
 */
export function mapLndError(error: unknown): LightningError {
  if (isLightningError(error)) return error;
  if (!isLndErrorLike(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new LndError(`LND call failed: ${message}`, undefined, { cause: error });
  }
  const { code } = error;
  const details = cleanDetails(error.details);
  const cause = { cause: error };
  const text = details.toLowerCase();
  if (code === GrpcStatus.UNAVAILABLE) {
    if (TLS_HINT.test(details)) return new LndConnectionError(`TLS connection to LND failed: ${details}`, cause);
    return new LndUnavailableError(`LND is unavailable: ${details}`, cause);
  }
  if (code === GrpcStatus.DEADLINE_EXCEEDED) return new LndTimeoutError(`LND call timed out: ${details}`, cause);
  if (
    code === GrpcStatus.UNAUTHENTICATED ||
    text.includes('verification failed') ||
    text.includes('cannot get macaroon') ||
    text.includes('expected 1 macaroon') ||
    text.includes('root key with id') ||
    UNREADABLE_MACAROON.test(details)
  ) {
    return new LndAuthenticationError(`LND refused the macaroon: ${details}`, cause);
  }
  if (code === GrpcStatus.PERMISSION_DENIED || text.includes('permission denied')) {
    return new LndPermissionError(`the macaroon lacks the permission for this call: ${details}`, cause);
  }
  if (text.includes('invoice with payment hash already exists')) return new InvoiceAlreadyExistsError(details, cause);
  if (text.includes('unable to locate invoice') || text.includes('there are no existing invoices')) {
    return new InvoiceNotFoundError(details, cause);
  }
  if (text.includes("payment isn't initiated")) return new PaymentNotFoundError(details, cause);
  if (text.includes('circuit') && text.includes('open')) return new CircuitOpenError(details, cause);
  return new LndError(`LND error (${code}): ${details}`, code, cause);
}
