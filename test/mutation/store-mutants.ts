/**
 * Every Store mutant: broken memory stores, each killed by the conformance cases it names.
 * A new conformance case needs a mutant here (or in the files below) that it kills.
 */
import { caseMutants } from './store-mutants-cases.js';
import { leadershipMutants } from './store-mutants-leadership.js';
import { lifecycleMutants } from './store-mutants-lifecycle.js';
import { nodeMutants } from './store-mutants-nodes.js';
import { rebalanceMutants } from './store-mutants-rebalances.js';
import { maintenanceMutants } from './store-mutants-maintenance.js';
import { ruleMutants } from './store-mutants-rules.js';
import type { StoreMutant } from './store-toolkit.js';

/** The Store mutants. */
export const storeMutants: readonly StoreMutant[] = [
  ...ruleMutants,
  ...caseMutants,
  ...lifecycleMutants,
  ...nodeMutants,
  ...leadershipMutants,
  ...rebalanceMutants,
  ...maintenanceMutants,
];
