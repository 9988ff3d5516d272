/**
 * Maps pg driver errors to lnkit's store errors: unique violations (SQLSTATE 23505) become
 * StoreConflictError, everything else StoreError with the driver error as `cause`. The message is
 * the server's (it names the constraint, never the values: those are in `detail`, left out).
 */
import { StoreConflictError, StoreError, isLightningError } from '../../errors.js';

/** SQLSTATE of a unique violation. */
const UNIQUE_VIOLATION = '23505';

/** Returns the lnkit error for `error` thrown while running `operation` (lnkit errors pass through). */
export function mapPostgresError(error: unknown, operation: string): unknown {
  if (isLightningError(error)) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === UNIQUE_VIOLATION) return new StoreConflictError(`${operation}: ${message}`, { cause: error });
  return new StoreError(`postgres ${operation}: ${message}`, { cause: error });
}

/** The conflict an `INSERT … ON CONFLICT DO NOTHING` that inserted nothing reports. */
export function conflict(table: string, keys: string): StoreConflictError {
  return new StoreConflictError(`${table}: a row with the same ${keys} exists`);
}
