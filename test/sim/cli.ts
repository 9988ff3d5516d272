/**
 * `npm run sim -- --seed <n> [--steps <k>] [--seeds <count>] [--shrink] [--only 3,17,42] [--faults a,b]
 *   [--profile full|today] [--mutant name] [--log]`
 * Runs seeds of the deterministic simulation and prints a replayable report for any violation.
 */
import { parseArgs } from 'node:util';
import { FAULT_KINDS, type FaultKind } from './schedule.js';
import { failureReport, MUTANTS, runSeed, shrink } from './index.js';
import { profileOptions } from './known-gaps.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    steps: { type: 'string', default: '500' },
    seeds: { type: 'string', default: '1' },
    shrink: { type: 'boolean', default: false },
    only: { type: 'string' },
    faults: { type: 'string' },
    profile: { type: 'string', default: 'full' },
    mutant: { type: 'string' },
    log: { type: 'boolean', default: false },
    'keep-going': { type: 'boolean', default: false },
  },
});

const first = Number(values.seed);
const steps = Number(values.steps);
const count = Number(values.seeds);
const only = values.only ? new Set(values.only.split(',').map(Number)) : undefined;
const profile = profileOptions(values.profile === 'today' ? 'today' : 'full');
const faults = values.faults
  ? new Set(values.faults.split(',').filter((f): f is FaultKind => (FAULT_KINDS as readonly string[]).includes(f)))
  : profile.faults;
const preHistory = profile.preHistory;
const excuseColdStart = profile.excuseColdStart;
if (![first, steps, count].every((n) => Number.isInteger(n) && n >= 0)) {
  console.error(
    'usage: npm run sim -- --seed <n> [--steps <k>] [--seeds <count>] [--shrink] [--only i,j] [--faults a,b]',
  );
  process.exit(2);
}

const mutant = values.mutant ? MUTANTS.find((m) => m.name === values.mutant) : undefined;
if (values.mutant && !mutant) {
  console.error(`no mutant ${values.mutant}; mutants: ${MUTANTS.map((m) => m.name).join(', ')}`);
  process.exit(2);
}

const started = Date.now();
const failures: { seed: number; invariant: string; step: number }[] = [];
for (let seed = first; seed < first + count; seed++) {
  const result = await runSeed({
    seed,
    steps,
    only,
    faults,
    preHistory,
    excuseColdStart,
    mutant,
  });
  if (values.log) for (const line of result.events) console.log(line);
  if (result.violation) {
    failures.push({ seed, invariant: result.violation.invariant, step: result.violation.step });
    console.log(failureReport(result, { only, faults, preHistory }));
    if (values.shrink) {
      const shrunk = await shrink(
        { seed, steps, only, faults, preHistory, excuseColdStart },
        result.violation.invariant,
        (msg) => console.log(msg),
      );
      console.log(failureReport(shrunk.result, { only: shrunk.only, faults, preHistory }));
    }
    if (count > 1 && !values['keep-going'] && !values.shrink) continue;
  }
  if (count > 1 && (seed - first + 1) % 10 === 0)
    console.log(
      `… ${seed - first + 1}/${count} seeds, ${failures.length} failing, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
}
const seconds = (Date.now() - started) / 1000;
console.log(
  `${count} seeds × ${steps} steps in ${seconds.toFixed(1)} s: ${failures.length} violation(s)` +
    (failures.length ? ` — ${failures.map((f) => `seed ${f.seed} ${f.invariant}@${f.step}`).join(', ')}` : ''),
);
process.exit(failures.length > 0 ? 1 : 0);
