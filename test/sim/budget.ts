/**
 * The budget run of `npm test`: BUDGET_SEEDS × 500 steps of the `today` profile (every fault but the
 * open gaps of known-gaps.ts; none since #10), split over two test files so that two cores share it
 * (budget-a: seeds 1–100, budget-b: 101–200). The 200 seeds: ≈ 0.6 s of CPU per seed since
 * the simulation's speed-up (measured on a busy machine; docs/testing.md, "Figures"), ≈ 60 s per
 * core. The long runs are `npm run sim`.
 */
import { expect } from 'vitest';
import { failureReport, runSeed } from './index.js';
import { profileOptions } from './known-gaps.js';

export const BUDGET_SEEDS = 200;
export const BUDGET_STEPS = 500;

/** Runs seeds `from` … `to` (inclusive) and fails with the replayable report of the first violation. */
export async function runBudget(from: number, to: number): Promise<void> {
  const options = profileOptions('today');
  const started = performance.now();
  const cpu = process.cpuUsage();
  let settlements = 0;
  let webhooks = 0;
  for (let seed = from; seed <= to; seed++) {
    const result = await runSeed({ seed, steps: BUDGET_STEPS, ...options });
    settlements += result.stats.settlements;
    webhooks += result.stats.webhooks;
    if (result.violation) expect.fail(failureReport(result, options));
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(
    `sim budget: seeds ${from}–${to} (${to - from + 1} seeds) × ${BUDGET_STEPS} steps in ${seconds.toFixed(1)} s ` +
      `(CPU ${((used.user + used.system) / 1e6).toFixed(1)} s): 0 violations, ${settlements} settlements, ${webhooks} webhook requests`,
  );
}
