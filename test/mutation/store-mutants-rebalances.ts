/**
 * Store mutants for `store.rebalances`: its row rules (the list and update rules are in
 * store-mutants-lists.ts) and the fee-budget sum.
 */
import { SUM_FEES_CASE } from '../../src/store/conformance/rebalance-cases.js';
import {
  exactHashRule,
  missRule,
  ownCopyRule,
  roundTripRule,
  uniqueRule,
} from '../../src/store/conformance/rules-rows.js';
import { ruleCaseName } from '../../src/store/conformance/subject.js';
import {
  everyRow,
  ignoreConflicts,
  mapFields,
  missingAsNull,
  mutant,
  patch,
  sharesObjects,
  statefulMutant,
  type StoreMutant,
} from './store-toolkit.js';

const RBL = 'rebalances';
const name = (rule: { readonly title: string }) => ruleCaseName(rule, { name: RBL });

/** The rebalance mutants. */
export const rebalanceMutants: readonly StoreMutant[] = [
  mutant(
    `${RBL}: bigint goes through a JS number (exact only to 2^53)`,
    [name(roundTripRule)],
    mapFields(RBL, (v) => (typeof v === 'bigint' ? BigInt(Number(v)) : v)),
  ),
  mutant(`${RBL}: not found is null`, [name(missRule)], missingAsNull(RBL)),
  mutant(`${RBL}: duplicate keys are silently ignored`, [name(uniqueRule)], ignoreConflicts(RBL)),
  statefulMutant(`${RBL}: keeps and returns the caller's objects`, [name(ownCopyRule)], sharesObjects(RBL)),
  mutant(
    `${RBL}: getByPaymentHash ignores case`,
    [name(exactHashRule)],
    patch(RBL, 'getByPaymentHash', (o) => (hash) => o(hash.toLowerCase())),
  ),
  mutant(
    `${RBL}: sumFeesSince counts only rows completed strictly after since`,
    [SUM_FEES_CASE],
    patch(RBL, 'sumFeesSince', (o) => (since) => o(new Date(since.getTime() + 1))),
  ),
  mutant(
    `${RBL}: sumFeesSince counts failed rebalances too`,
    [SUM_FEES_CASE],
    patch(RBL, 'sumFeesSince', (o, repos) => async (since) => {
      const failed = (await everyRow((q) => repos.rebalances.list({ ...q, status: 'failed' }))).filter(
        (r) => r.completedAt !== null && r.completedAt >= since,
      );
      return (await o(since)) + failed.reduce((sum, r) => sum + r.feeMsat, 0n);
    }),
  ),
];
