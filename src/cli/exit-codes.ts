/**
 * The `lnkit` exit codes and the mapping from an error to one of them.
 */
import { CommanderError } from 'commander';
import { isLightningError } from '../errors.js';

/** Every exit code the CLI uses. Documented in docs/cli.md. */
export const EXIT_CODES = Object.freeze({
  /** The command did what was asked. */
  ok: 0,
  /** Anything else: a failed payment, an expired invoice, a store or rate error, an unhealthy node. */
  other: 1,
  /** Bad flags, arguments or configuration (nothing was changed). */
  usage: 2,
  /** LND could not be reached (down, refused, timed out, circuit open). */
  lndUnreachable: 3,
  /** LND refused the macaroon or it lacks the permission, or its TLS certificate does not match. */
  authentication: 4,
  /** No such invoice, payment, webhook endpoint or delivery. */
  notFound: 5,
  /** Interrupted by SIGINT (Ctrl+C), as shells report it. */
  interrupted: 130,
});

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

const BY_CODE: Readonly<Record<string, ExitCode>> = {
  INVALID_INPUT: EXIT_CODES.usage,
  STORE_NODE_MISMATCH: EXIT_CODES.usage,
  LND_UNAVAILABLE: EXIT_CODES.lndUnreachable,
  LND_CONNECTION: EXIT_CODES.lndUnreachable,
  LND_TIMEOUT: EXIT_CODES.lndUnreachable,
  CIRCUIT_OPEN: EXIT_CODES.lndUnreachable,
  LND_AUTHENTICATION: EXIT_CODES.authentication,
  LND_PERMISSION: EXIT_CODES.authentication,
  INVOICE_NOT_FOUND: EXIT_CODES.notFound,
  PAYMENT_NOT_FOUND: EXIT_CODES.notFound,
  WEBHOOK_NOT_FOUND: EXIT_CODES.notFound,
};

/** Error codes that mean "LND is unreachable" (exit 3). */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'LND_UNAVAILABLE',
  'LND_CONNECTION',
  'LND_TIMEOUT',
  'CIRCUIT_OPEN',
]);

/**
 * True for a TLS failure reaching LND (a certificate that is not the node's, mostly): a credentials
 * problem like a refused macaroon (exit 4), not an unreachable node.
 */
export function isTlsMismatch(error: unknown): boolean {
  return isLightningError(error) && error.code === 'LND_CONNECTION' && /^TLS /.test(error.message);
}

/**
 * The exit code for an error: commander usage errors → 2 (help and version → 0), lnkit errors by
 * their `code`, an interruption → 130, anything else → 1.
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CommandFailedError) return error.exitCode;
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
      ? EXIT_CODES.ok
      : EXIT_CODES.usage;
  }
  if (isTlsMismatch(error)) return EXIT_CODES.authentication;
  if (isLightningError(error)) return BY_CODE[error.code] ?? EXIT_CODES.other;
  if (error instanceof Error && error.name === 'AbortError') return EXIT_CODES.interrupted;
  return EXIT_CODES.other;
}

/** A command that ran but did not succeed (payment failed, invoice expired…): its message and exit code. */
export class CommandFailedError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT_CODES.other,
  ) {
    super(message);
    this.name = 'CommandFailedError';
  }
}
