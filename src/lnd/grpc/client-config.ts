/** The configuration of `createLndClient`, resolved into connection settings. */
import { ValidationError } from '../../errors.js';
import { checkSocket, parseLndconnect } from './connect-config.js';
import { readCert, readMacaroon } from './credentials.js';

/** Settings shared by both ways of naming the node. */
export interface LndClientOptions {
  /** Deadline of each unary call. Default is 30_000. */
  readonly timeoutMs?: number;
  /** Retries of idempotent calls on UNAVAILABLE / DEADLINE_EXCEEDED. Default is 3. */
  readonly maxRetries?: number;
  readonly breaker?: {
    /** Consecutive connectivity failures that open the breaker. Default is 5. */
    readonly consecutiveFailures?: number;
    /** How long the breaker stays open before one probe call is let through. Default is 10_000. */
    readonly halfOpenAfterMs?: number;
  };
  /** Called with 'disconnected' on the first UNAVAILABLE and 'connected' on the next success. */
  readonly onConnectionChange?: (state: 'connected' | 'disconnected', reason?: string) => void;
  /** The TLS name to verify (and send as SNI) when the dial host is not in the certificate. */
  readonly serverNameOverride?: string;
}

/** `createLndClient` configuration: a socket with cert and macaroon, or an lndconnect URI. */
export type LndClientConfig =
  | (LndClientOptions & {
      /** `host:port` of LND's gRPC interface. */
      readonly socket: string;
      /** tls.cert: PEM text, a file path, or PEM/DER bytes. */
      readonly cert: string | Uint8Array;
      /** Macaroon: hex, a file path, or the raw bytes. */
      readonly macaroon: string | Uint8Array;
    })
  | (LndClientOptions & {
      /** `lndconnect://host:port?cert=…&macaroon=…`. */
      readonly lndconnect: string;
    });

/** The resolved, validated settings. */
export interface ResolvedLndConfig {
  readonly socket: string;
  /** PEM, or null to trust the system roots (lndconnect without a cert). */
  readonly certPem: Buffer | null;
  readonly macaroonHex: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly consecutiveFailures: number;
  readonly halfOpenAfterMs: number;
  readonly onConnectionChange?: LndClientOptions['onConnectionChange'];
  readonly serverNameOverride?: string;
}

function positiveInt(field: string, value: number | undefined, fallback: number, min = 1): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min)
    throw new ValidationError(field, `expected an integer ≥ ${min}, got ${String(value)}`);
  return n;
}

/**
 * Validates the configuration and reads cert and macaroon (from files when paths are given).
 * @throws {ValidationError} naming the bad field
 */
export function resolveLndConfig(config: LndClientConfig): ResolvedLndConfig {
  if (typeof config !== 'object' || config === null)
    throw new ValidationError('config', `expected an object, got ${String(config)}`);
  let socket: string;
  let certPem: Buffer | null;
  let macaroonHex: string;
  if ('lndconnect' in config) {
    const parts = parseLndconnect(config.lndconnect);
    socket = parts.socket;
    certPem = parts.cert === undefined ? null : Buffer.from(parts.cert);
    macaroonHex = parts.macaroon;
  } else {
    socket = checkSocket(config.socket);
    certPem = readCert(config.cert);
    macaroonHex = readMacaroon(config.macaroon);
  }
  if (config.onConnectionChange !== undefined && typeof config.onConnectionChange !== 'function') {
    throw new ValidationError('onConnectionChange', `expected a function, got ${typeof config.onConnectionChange}`);
  }
  if (
    config.serverNameOverride !== undefined &&
    (typeof config.serverNameOverride !== 'string' || config.serverNameOverride === '')
  ) {
    throw new ValidationError('serverNameOverride', 'expected a non-empty host name');
  }
  return Object.freeze({
    socket,
    certPem,
    macaroonHex,
    timeoutMs: positiveInt('timeoutMs', config.timeoutMs, 30_000),
    maxRetries: positiveInt('maxRetries', config.maxRetries, 3, 0),
    consecutiveFailures: positiveInt('breaker.consecutiveFailures', config.breaker?.consecutiveFailures, 5),
    halfOpenAfterMs: positiveInt('breaker.halfOpenAfterMs', config.breaker?.halfOpenAfterMs, 10_000),
    ...(config.onConnectionChange === undefined ? {} : { onConnectionChange: config.onConnectionChange }),
    ...(config.serverNameOverride === undefined ? {} : { serverNameOverride: config.serverNameOverride }),
  });
}
