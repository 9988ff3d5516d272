/**
 * Input checks of `StoreMaintenance.prune` / `countPrunable`, shared by lnkit's stores.
 */
import { ValidationError } from '../errors.js';
import type { PruneTarget } from './maintenance.js';
import { resolveBatchLimit } from './paging.js';

/** Every prune target, in the order retention runs them. */
export const PRUNE_TARGETS: readonly PruneTarget[] = Object.freeze(['webhookEvents', 'unpaidInvoices', 'eventLog']);

/**
 * Validates a prune call.
 * @throws {ValidationError} on an unknown target, an invalid Date or (when given) a bad limit
 */
export function checkPruneInput(target: PruneTarget, before: Date, limit?: number): void {
  if (!PRUNE_TARGETS.includes(target))
    throw new ValidationError('target', `expected one of ${PRUNE_TARGETS.join(', ')}, got ${JSON.stringify(target)}`);
  if (!(before instanceof Date) || Number.isNaN(before.getTime()))
    throw new ValidationError('before', `expected a valid Date, got ${String(before)}`);
  if (limit !== undefined) resolveBatchLimit(limit);
}
