/**
 * The bench's measuring kit: interleaved rounds of a subject and its baseline (so a busy neighbour
 * on a shared machine slows both alike), min and median of each side and of their per-round ratio,
 * and the figures every group hands back to `bench/run.ts` for printing and the budget check.
 */
import { loadavg } from 'node:os';

/** Min and median of a sample. */
export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly samples: readonly number[];
}

/** One printed figure. `value` is what its budget (bench/budgets.ts, same `id`) is checked against. */
export interface Figure {
  /** Key into bench/budgets.ts; figures without a budget are printed only. */
  readonly id: string;
  readonly label: string;
  /** The checked value: a ratio (median over rounds), or an absolute figure in `unit`. */
  readonly value: number;
  readonly unit: string;
  /** One line of detail: each side's min/median, the baseline's name, the load. */
  readonly detail: string;
}

/** Statistics of `xs` (not empty). */
export function stats(xs: readonly number[]): Stats {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]!, samples: xs };
}

/** One side of a comparison: `run()` does the work of one round and returns what it measured (ops/s, ms…). */
export interface Side {
  readonly name: string;
  run(round: number): Promise<number> | number;
}

/** Both sides' samples over the rounds, and the per-round ratio subject / baseline. */
export interface Comparison {
  readonly subject: Stats;
  readonly baseline: Stats;
  readonly ratio: Stats;
}

/**
 * Runs `rounds` rounds of both sides, alternating which goes first, after `warmup` unmeasured rounds.
 * Each round's ratio is subject / baseline of that round.
 */
export async function interleave(
  subject: Side,
  baseline: Side,
  options: { readonly rounds: number; readonly warmup?: number },
): Promise<Comparison> {
  for (let i = 0; i < (options.warmup ?? 1); i++) {
    await subject.run(-1 - i);
    await baseline.run(-1 - i);
  }
  const s: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) {
      s.push(await subject.run(round));
      b.push(await baseline.run(round));
    } else {
      b.push(await baseline.run(round));
      s.push(await subject.run(round));
    }
  }
  return { subject: stats(s), baseline: stats(b), ratio: stats(s.map((x, i) => x / b[i]!)) };
}

/** Operations per second of `fn` called `n` times (synchronous work). */
export function opsPerSecond(n: number, fn: (i: number) => unknown): number {
  const started = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return (n / (performance.now() - started)) * 1000;
}

/** Operations per second of `fn` called `n` times one after the other (asynchronous work). */
export async function asyncOpsPerSecond(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return (n / (performance.now() - started)) * 1000;
}

/** `1,234` / `0.42` formatting for the table. */
export function fmt(x: number, digits?: number): string {
  if (digits !== undefined) return x.toFixed(digits);
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** `min 1,234 / med 1,300` */
export function minMed(s: Stats, unit = ''): string {
  return `min ${fmt(s.min)}${unit} / med ${fmt(s.median)}${unit}`;
}

/** The 1-minute load average, for the record next to each figure. */
export function load(): string {
  return `load ${loadavg()[0]!.toFixed(2)}`;
}

/** A ratio figure from a comparison: the checked value is the median ratio. */
export function ratioFigure(
  id: string,
  label: string,
  c: Comparison,
  names: { readonly subject: string; readonly baseline: string; readonly unit: string },
): Figure {
  return {
    id,
    label,
    value: c.ratio.median,
    unit: '×',
    detail:
      `${names.subject} ${minMed(c.subject, names.unit)}; ${names.baseline} ${minMed(c.baseline, names.unit)}; ` +
      `ratio min ${fmt(c.ratio.min, 2)} over ${c.ratio.samples.length} rounds; ${load()}`,
  };
}
