/**
 * Maps SQLite driver errors to lnkit's store errors: unique / primary-key violations become
 * StoreConflictError, everything else StoreError with the driver error as `cause`.
 */
import { StoreConflictError, StoreError, isLightningError } from '../../errors.js';

/** Returns the lnkit error for `error` thrown while running `operation` (lnkit errors pass through). */
export function mapSqliteError(error: unknown, operation: string): unknown {
  if (isLightningError(error)) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // SQLite names the columns ("UNIQUE constraint failed: invoices.payment_hash"), never the values.
    return new StoreConflictError(`${operation}: ${message}`, { cause: error });
  }
  return new StoreError(`sqlite ${operation}: ${message}`, { cause: error });
}
