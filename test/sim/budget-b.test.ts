/** Second half of the simulation budget (the second half of BUDGET_SEEDS × 500 steps). */
import { it } from 'vitest';
import { BUDGET_SEEDS, BUDGET_STEPS, runBudget } from './budget.js';

it(
  `sim budget, seeds ${BUDGET_SEEDS / 2 + 1}–${BUDGET_SEEDS} × ${BUDGET_STEPS} steps: no invariant broken`,
  () => runBudget(BUDGET_SEEDS / 2 + 1, BUDGET_SEEDS),
  1_800_000,
);
