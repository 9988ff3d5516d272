/**
 * The schedule: every step's action and the time that passes after it, drawn up front from the
 * seed. Execution is a pure function of (seed, kept steps), so `--shrink` can drop steps and replay.
 */
import { Prng } from './prng.js';

/** Workload actions. */
export const WORKLOAD_KINDS = [
  'createInvoice',
  'payInvoice',
  'payTwice',
  'externalInvoice',
  'payOut',
  'createHold',
  'settleHold',
  'cancelInvoice',
  'endpointMode',
  'idle',
] as const;

/** Fault actions. */
export const FAULT_KINDS = [
  'crash',
  'restart',
  'dropStreams',
  'lndDown',
  'storeFailNextWrite',
  'storeReadOnly',
  'clockJump',
  'historyReset',
  'leaderChange',
] as const;

export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];
export type ActionKind = WorkloadKind | FaultKind;

/** One step. `a`, `b`, `c` are raw 32-bit draws each kind interprets (which instance, which invoice…). */
export interface Action {
  readonly step: number;
  readonly kind: ActionKind;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** Clock milliseconds that pass after the action. */
  readonly dt: number;
}

const WEIGHTS: Readonly<Record<ActionKind, number>> = {
  createInvoice: 18,
  payInvoice: 16,
  payTwice: 3,
  externalInvoice: 4,
  payOut: 10,
  createHold: 5,
  settleHold: 5,
  cancelInvoice: 4,
  endpointMode: 3,
  idle: 8,
  crash: 2.5,
  restart: 4,
  dropStreams: 2,
  lndDown: 1.5,
  storeFailNextWrite: 2,
  storeReadOnly: 1,
  clockJump: 1.5,
  historyReset: 0.5,
  leaderChange: 1.5,
};

/** Draws the schedule of `steps` actions for `seed`, leaving out the fault kinds not in `faults`. */
export function drawSchedule(seed: number, steps: number, faults: ReadonlySet<FaultKind>): Action[] {
  const prng = new Prng(seed, 'schedule');
  const weights: Partial<Record<ActionKind, number>> = {};
  for (const [kind, weight] of Object.entries(WEIGHTS) as [ActionKind, number][]) {
    if ((FAULT_KINDS as readonly string[]).includes(kind) && !faults.has(kind as FaultKind)) continue;
    weights[kind] = weight;
  }
  const actions: Action[] = [];
  for (let step = 0; step < steps; step++) {
    const kind = prng.weighted(weights as Record<ActionKind, number>);
    const a = prng.u32();
    const b = prng.u32();
    const c = prng.u32();
    // Mostly a few hundred ms, sometimes seconds, now and then a minute.
    const roll = prng.next();
    const dt = roll < 0.7 ? prng.int(500) : roll < 0.95 ? prng.between(500, 5_000) : prng.between(5_000, 60_000);
    actions.push({ step, kind, a, b, c, dt });
  }
  return actions;
}
