/**
 * The base of lnkit's one error family. Kept in its own file so that small entry points
 * (`lnkit/webhooks`) can import it without pulling in every error class.
 */

const BRAND = Symbol.for('lnkit.LightningError');

/** Options accepted by every lnkit error constructor. */
export interface LightningErrorOptions {
  /** The error this one wraps (a gRPC, store or HTTP error). */
  readonly cause?: unknown;
}

/**
 * Base class of everything lnkit throws across its public API. `code` is a literal string
 * per subclass; `cause` keeps the wrapped error.
 */
export class LightningError<C extends string = string> extends Error {
  /** Stable machine-readable error code, e.g. `'INVOICE_NOT_FOUND'`. */
  readonly code: C;
  /** @internal brand used by {@link isLightningError} across duplicate installs. */
  readonly [BRAND] = true;

  constructor(code: C, message: string, options?: LightningErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * True when `value` is an lnkit error, even one thrown by another copy of lnkit.
 * @example if (isLightningError(err) && err.code === 'INVOICE_NOT_FOUND') { … }
 */
export function isLightningError(value: unknown): value is LightningError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
