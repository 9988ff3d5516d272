/**
 * Any failure of a gRPC call or of a resilience policy → an lnkit error with `cause`.
 * gRPC statuses go through the shared `mapLndError` table; cockatiel's broken-circuit error
 * becomes `CircuitOpenError`.
 */
import { isBrokenCircuitError } from 'cockatiel';
import {
  CircuitOpenError,
  LndConnectionError,
  LndTimeoutError,
  LndUnavailableError,
  type LightningError,
} from '../../errors.js';
import { mapLndError } from '../map-lnd-error.js';

/**
 * Maps `error` to an lnkit error; lnkit errors pass through unchanged. A broken-circuit rejection
 * names `lastFailure`, the failure that opened the breaker (e.g. `connect ECONNREFUSED …`), as its
 * reason and `cause`: "circuit breaker is open" alone does not say what is wrong.
 */
export function toLightningError(error: unknown, lastFailure?: unknown): LightningError {
  if (isBrokenCircuitError(error)) {
    const last = lastFailure === undefined ? undefined : mapLndError(lastFailure);
    return new CircuitOpenError(
      'circuit breaker is open after repeated LND failures: calls fail fast until it half-opens' +
        (last ? `; last failure: ${last.message}` : ''),
      { cause: last ?? error },
    );
  }
  return mapLndError(error);
}

/** True for failures that say LND is unreachable or slow (they count towards the breaker). */
export function isConnectivityFailure(error: unknown): boolean {
  return error instanceof LndUnavailableError || error instanceof LndTimeoutError;
}

/** True for failures a safe (idempotent) call may be retried on. */
export function isRetryable(error: unknown): boolean {
  return isConnectivityFailure(error);
}

/** True when the connection itself is down (drives `onConnectionChange('disconnected')`). */
export function isDisconnect(error: unknown): boolean {
  return error instanceof LndUnavailableError || error instanceof LndConnectionError;
}
