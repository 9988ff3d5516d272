/** First half of the simulation budget (seeds 1–BUDGET_SEEDS/2 × 500 steps); budget-b runs the other half on the other core. */
import { it } from 'vitest';
import { BUDGET_SEEDS, BUDGET_STEPS, runBudget } from './budget.js';

it(
  `sim budget, seeds 1–${BUDGET_SEEDS / 2} × ${BUDGET_STEPS} steps: no invariant broken`,
  () => runBudget(1, BUDGET_SEEDS / 2),
  1_800_000,
);
