/**
 * The resilience policies in front of LND (cockatiel 3): a circuit breaker shared by every call and
 * stream, plus a retry with exponential backoff and jitter used only for idempotent calls.
 * The functions they run throw lnkit errors already, so the filters test lnkit classes.
 */
import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import { isConnectivityFailure, isRetryable } from './map-grpc-error.js';

/** Settings of {@link createLndPolicies}. */
export interface LndPolicyConfig {
  /** Retries after the first attempt for idempotent calls. */
  readonly maxRetries: number;
  readonly consecutiveFailures: number;
  readonly halfOpenAfterMs: number;
  /** First retry delay. Default is 128 ms. */
  readonly initialRetryDelayMs?: number;
  /** Longest retry delay. Default is 5000 ms. */
  readonly maxRetryDelayMs?: number;
}

/** The breaker's state as lnkit reports it. */
export type CircuitStateName = 'closed' | 'open' | 'half-open';

/** The policies one client uses. */
export interface LndPolicies {
  readonly breaker: CircuitBreakerPolicy;
  /** Runs `fn` through the breaker, and through retry first when `idempotent`. */
  execute<T>(idempotent: boolean, fn: () => Promise<T>): Promise<T>;
  /**
   * Admits a stream: directly while the circuit is closed (opening proves nothing yet), through
   * the breaker otherwise (fails fast when open; the open is the probe when half-open).
   */
  admit<T>(open: () => T): Promise<T>;
  /** Records a failure seen outside `execute` (a stream that errored after it opened). */
  recordFailure(error: unknown): void;
  /** Records a success seen outside `execute` (a stream's first message). */
  recordSuccess(): void;
  readonly state: CircuitStateName;
  /** The last connectivity failure the breaker counted (what opened it), if any. */
  readonly lastFailure: unknown;
}

/** Builds the breaker and retry policies for one LND client. */
export function createLndPolicies(config: LndPolicyConfig): LndPolicies {
  const breaker = circuitBreaker(handleWhen(isConnectivityFailure), {
    halfOpenAfter: config.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(config.consecutiveFailures),
  });
  // Never retry a broken-circuit rejection (it would burn the budget instantly): only the
  // connectivity errors of real attempts match.
  const retryPolicy = retry(handleWhen(isRetryable), {
    maxAttempts: config.maxRetries,
    backoff: new ExponentialBackoff({
      initialDelay: config.initialRetryDelayMs ?? 128,
      maxDelay: config.maxRetryDelayMs ?? 5_000,
    }),
  });
  const withRetry: IPolicy = wrap(retryPolicy, breaker);
  let lastFailure: unknown;
  const note = (error: unknown): never => {
    if (isConnectivityFailure(error)) lastFailure = error;
    throw error;
  };
  // A rejection handler, not an async wrapper: one promise per call instead of an async frame (#15).
  const noting = <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return fn().then(undefined, note);
    } catch (error) {
      return Promise.reject(error).then(undefined, note);
    }
  };
  return {
    breaker,
    execute: (idempotent, fn) => (idempotent ? withRetry.execute(() => noting(fn)) : breaker.execute(() => noting(fn))),
    admit: async (open) => (breaker.state === CircuitState.Closed ? open() : breaker.execute(async () => open())),
    recordSuccess() {
      if (breaker.state === CircuitState.Closed) breaker.execute(() => Promise.resolve()).catch(() => undefined);
    },
    recordFailure(error) {
      if (!isConnectivityFailure(error)) return;
      lastFailure = error;
      if (breaker.state !== CircuitState.Closed) return;
      breaker.execute(() => Promise.reject(error)).catch(() => undefined);
    },
    get lastFailure(): unknown {
      return lastFailure;
    },
    get state(): CircuitStateName {
      switch (breaker.state) {
        case CircuitState.Closed:
          return 'closed';
        case CircuitState.HalfOpen:
          return 'half-open';
        default:
          return 'open';
      }
    },
  };
}
