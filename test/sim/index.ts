/**
 * The simulation's entry points: run a seed, report a failure, shrink a failing schedule.
 */
import type { InvariantName } from './invariants.js';
import { runSeed, type RunOptions, type RunResult } from './run.js';
import type { FaultKind } from './schedule.js';
import { profileOptions } from './known-gaps.js';

export { runSeed, type RunOptions, type RunResult } from './run.js';
export { INVARIANTS, type InvariantName, type Violation } from './invariants.js';
export { MUTANTS, type Mutant } from './mutants.js';

/** What besides the seed and steps a replay needs. */
export interface ReplayExtra {
  readonly only?: ReadonlySet<number> | undefined;
  readonly faults?: ReadonlySet<FaultKind> | undefined;
  readonly preHistory?: boolean | undefined;
  readonly excuseColdStart?: boolean | undefined;
}

/** The command that replays a run exactly. */
export function replayCommand(seed: number, steps: number, extra: ReplayExtra = {}): string {
  let cmd = `npm run sim -- --seed ${seed} --steps ${steps}`;
  if (extra.only) cmd += ` --only ${[...extra.only].sort((a, b) => a - b).join(',')}`;
  const full = profileOptions('full');
  const today = profileOptions('today');
  const same = (a: ReadonlySet<FaultKind>, b: ReadonlySet<FaultKind>): boolean =>
    a.size === b.size && [...a].every((x) => b.has(x));
  if (extra.preHistory === false && (!extra.faults || same(extra.faults, today.faults))) cmd += ' --profile today';
  else if (extra.faults && !same(extra.faults, full.faults)) cmd += ` --faults ${[...extra.faults].join(',')}`;
  return `${cmd} --log`;
}

/** Seed, step, invariant, the last 50 events and the replay command. */
export function failureReport(result: RunResult, extra: ReplayExtra = {}): string {
  const v = result.violation;
  if (!v) return `seed ${result.seed}: no violation`;
  const tail = result.events.slice(-50);
  return [
    `VIOLATION of ${v.invariant}`,
    `  seed ${result.seed}, step ${v.step}${v.step === result.steps ? ' (final check)' : ''} of ${result.steps}${extra.only ? ` (${extra.only.size} steps kept)` : ''}`,
    `  ${v.message}`,
    `  last ${tail.length} events:`,
    ...tail.map((line) => `    ${line}`),
    `  replay: ${replayCommand(result.seed, result.steps, extra)}`,
  ].join('\n');
}

/**
 * Delta debugging over the kept steps: drops chunks of the schedule while `invariant` still fails,
 * then single steps, until no step can go.
 */
export async function shrink(
  options: RunOptions,
  invariant: InvariantName,
  progress: (message: string) => void = () => undefined,
): Promise<{ only: Set<number>; result: RunResult }> {
  let kept = [...(options.only ?? new Set(Array.from({ length: options.steps }, (_, i) => i)))].sort((a, b) => a - b);
  let last = await runSeed({ ...options, only: new Set(kept) });
  if (last.violation?.invariant !== invariant) throw new Error(`seed ${options.seed} does not fail ${invariant}`);
  // Steps after the violation never matter.
  kept = kept.filter((s) => s <= last.violation!.step);
  let chunk = Math.max(1, Math.floor(kept.length / 2));
  while (chunk >= 1) {
    let removed = false;
    for (let start = 0; start < kept.length; start += chunk) {
      const candidate = [...kept.slice(0, start), ...kept.slice(start + chunk)];
      const result = await runSeed({ ...options, only: new Set(candidate) });
      if (result.violation?.invariant === invariant) {
        kept = candidate.filter((s) => s <= result.violation!.step || result.violation!.step === options.steps);
        last = result;
        removed = true;
        start -= chunk;
        progress(`shrink: ${kept.length} steps still fail ${invariant}`);
      }
    }
    if (!removed) chunk = Math.floor(chunk / 2);
  }
  return { only: new Set(kept), result: last };
}
