/**
 * Runs one seed: draws the schedule, builds the world, applies each kept step, checks the
 * invariants after every step, heals the world, lets it go quiet and checks again at the end.
 */
import { apply, healExpired } from './actions.js';
import { Checker, type Violation } from './invariants.js';
import type { Mutant } from './mutants.js';
import { drawSchedule, FAULT_KINDS, type Action, type FaultKind } from './schedule.js';
import { World } from './world.js';
import { loadChecks } from '../../src/payments/payment-service.js';

/** Options of {@link runSeed}. */
export interface RunOptions {
  readonly seed: number;
  readonly steps: number;
  /** Steps kept from the schedule (a shrunk replay); default all. */
  readonly only?: ReadonlySet<number> | undefined;
  /** Fault kinds drawn; default all of them. */
  readonly faults?: ReadonlySet<FaultKind> | undefined;
  readonly mutant?: Mutant | undefined;
  /** The node may have a history from before lnkit (#10 item 3). Default true. */
  readonly preHistory?: boolean;
  /** Settlements before the store's first checkpoint are not expected to be recorded (#10 item 3 open). */
  readonly excuseColdStart?: boolean;
}

/** What a run produced. */
export interface RunResult {
  readonly seed: number;
  readonly steps: number;
  readonly schedule: readonly Action[];
  /** The full event log: identical for identical options. */
  readonly events: readonly string[];
  readonly violation: Violation | null;
  readonly stats: { readonly settlements: number; readonly webhooks: number; readonly setup: string };
}

/** Every fault kind. */
export const ALL_FAULTS: ReadonlySet<FaultKind> = new Set(FAULT_KINDS);

const QUIET_ROUNDS = 40;
const QUIET_STEP_MS = 10_000;

/** Runs `options.seed`. */
export async function runSeed(options: RunOptions): Promise<RunResult> {
  // lnkit loads its pay checks on first use (a dynamic import: real I/O time); load them before the
  // manual clock runs so that no pay's progress depends on the machine's speed.
  await loadChecks();
  const schedule = drawSchedule(options.seed, options.steps, options.faults ?? ALL_FAULTS);
  const world = new World({
    seed: options.seed,
    mutant: options.mutant,
    ...(options.preHistory === false ? { preHistory: false } : {}),
    ...(options.excuseColdStart ? { excuseColdStart: true } : {}),
  });
  const checker = new Checker(world);
  let violation: Violation | null = null;
  try {
    world.log(
      `seed ${options.seed} store=${world.setup.storeKind} instances=${world.setup.instances} endpoints=${world.setup.endpoints} preHistory=${world.setup.preHistory}`,
    );
    await preHistory(world);
    for (let i = 0; i < world.instances.length; i++) await world.startInstance(i);
    for (const action of schedule) {
      if (options.only && !options.only.has(action.step)) continue;
      world.step = action.step;
      healExpired(world);
      await apply(world, action);
      await world.clock.advance(action.dt);
      if (world.pendingJump > 0) {
        world.clock.jump(world.pendingJump);
        world.pendingJump = 0;
        world.network.tick();
        await world.clock.advance(0);
      }
      violation = await checker.afterStep();
      if (violation) break;
    }
    if (!violation) {
      world.step = options.steps;
      await healAll(world);
      for (let i = 0; i < QUIET_ROUNDS; i++) {
        await world.clock.advance(QUIET_STEP_MS);
        healExpired(world);
      }
      violation = await checker.atEnd();
    }
  } finally {
    await world.close();
  }
  if (violation) world.log(`VIOLATION ${violation.invariant} at step ${violation.step}: ${violation.message}`);
  return {
    seed: options.seed,
    steps: options.steps,
    schedule,
    events: world.events,
    violation,
    stats: {
      settlements: world.settlements.size,
      webhooks: world.deliveries.length,
      setup: `${world.setup.storeKind}×${world.setup.instances}`,
    },
  };
}

/** The node had a life before lnkit: invoices created elsewhere, some already paid. */
async function preHistory(world: World): Promise<void> {
  for (let i = 0; i < world.setup.preHistory; i++) {
    const added = world.alice.addInvoice({ valueSat: BigInt(2_000 + i), memo: `before lnkit ${i}` });
    const payable = {
      paymentRequest: added.paymentRequest,
      paymentHash: added.paymentHash,
      origin: 'external' as const,
      invoiceId: null,
      preimage: null,
      epoch: world.epoch,
    };
    world.payables.push(payable);
    if (i % 2 === 0) world.bobPays(payable, 'bob pays before lnkit');
  }
  await world.clock.advance(1_000);
}

/** Ends every fault, brings every instance back and makes every receiver answer 2xx. */
async function healAll(world: World): Promise<void> {
  world.log('heal: all faults end, every instance runs, receivers answer 2xx');
  world.faults.failNextWrite = false;
  world.faults.readOnlyUntil = 0;
  world.lndDownUntil = 0;
  world.alice.setOnline(true);
  for (const e of world.endpoints) if (e.mode !== '410') e.mode = '2xx';
  for (const slot of world.instances) if (!slot.process?.isAlive) await world.startInstance(slot.index);
}
