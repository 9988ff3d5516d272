/**
 * Store mutants for the maintenance cases (#18): retention that ignores its cutoff (webhook rows,
 * unpaid invoices, the event log), miscounts,
 * skips validation, or table figures that lie.
 */
import { ValidationError } from '../../src/errors.js';
import type { Store, StoreMaintenance } from '../../src/store/store.js';
import type { StoreMutant } from './store-toolkit.js';

const C = {
  events:
    'maintenance: prune(webhookEvents) removes finished events older than the cutoff with their deliveries and attempts, in batches',
  invoices:
    'maintenance: prune(unpaidInvoices) removes only expired/cancelled invoices never paid, closed before the cutoff',
  log: 'maintenance: prune(eventLog) removes the head every consumer cursor has passed, older than the cutoff, never the newest entry',
  logAge: 'maintenance: prune(eventLog) without consumers removes by age alone; an empty log prunes nothing',
  stats: 'maintenance: tableStats counts rows and reports the oldest row per table',
  validation: 'maintenance: prune and countPrunable reject a bad target, cutoff or limit with INVALID_INPUT',
} as const;

/** A mutant that replaces parts of `store.maintenance`. */
function maintenanceMutant(
  name: string,
  killedBy: readonly string[],
  change: (m: StoreMaintenance) => Partial<StoreMaintenance>,
): StoreMutant {
  return {
    name,
    killedBy,
    wrap(store): Store {
      const m = store.maintenance!;
      const bound: StoreMaintenance = {
        tableStats: () => m.tableStats(),
        prune: (t, b, l) => m.prune(t, b, l),
        countPrunable: (t, b) => m.countPrunable(t, b),
      };
      return { ...store, maintenance: { ...bound, ...change(bound) } };
    },
  };
}

const FAR_FUTURE = new Date(8_000_000_000_000_000);

/** The maintenance mutants. */
export const maintenanceMutants: readonly StoreMutant[] = [
  maintenanceMutant(
    'maintenance: prune ignores the cutoff (removes recent rows too)',
    [C.events, C.invoices, C.log, C.logAge],
    (m) => ({
      prune: (target, _before, limit) => m.prune(target, FAR_FUTURE, limit),
      countPrunable: (target) => m.countPrunable(target, FAR_FUTURE),
    }),
  ),
  maintenanceMutant(
    'maintenance: prune reports the limit instead of what it removed',
    [C.events, C.invoices, C.log, C.logAge],
    (m) => ({
      prune: async (target, before, limit) => {
        await m.prune(target, before, limit);
        return limit;
      },
    }),
  ),
  maintenanceMutant('maintenance: countPrunable always says 0', [C.events, C.invoices, C.log, C.logAge], () => ({
    countPrunable: async () => 0,
  })),
  maintenanceMutant('maintenance: tableStats reports the newest row as the oldest', [C.stats], (m) => ({
    tableStats: async () => (await m.tableStats()).map((t) => ({ ...t, oldestAt: t.oldestAt && new Date() })),
  })),
  maintenanceMutant('maintenance: bad input is ignored (resolves 0)', [C.validation], (m) => {
    const quiet =
      <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
      async (...args: A) => {
        try {
          return await fn(...args);
        } catch (error) {
          if (error instanceof ValidationError) return 0;
          throw error;
        }
      };
    return { prune: quiet(m.prune), countPrunable: quiet(m.countPrunable) };
  }),
];
