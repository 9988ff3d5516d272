/**
 * The automatic mode: every `intervalMs`, check → plan → rebalance within the daily fee budget,
 * with exponential backoff per channel pair that fails and a stop (for a day) after repeated
 * failures. A background role: createLightning starts and stops it with the others, on the leader.
 */
import type { LiquidityPolicy } from '../domain/liquidity.js';
import { isLightningError } from '../errors.js';
import type { ServiceContext } from '../service-context.js';
import type { LiquidityInternals } from './liquidity-service.js';
import { validateBudget, validatePolicy, type RebalanceBudget } from './validate-liquidity-input.js';

/** The `liquidity` option of createLightning. Off unless given. */
export interface AutoRebalanceConfig {
  readonly policy?: LiquidityPolicy;
  /** `maxFeePpm` and `maxFeeSatPerDay` are the budget of the automatic mode (defaults 1000 ppm, 1000 sat/day). */
  readonly budget?: RebalanceBudget;
  /** Time between runs. Default is 20 minutes (Loop's autoloop ticker). */
  readonly intervalMs?: number;
  /** Consecutive failures of one pair before it stops for `suspendMs`. Default is 3. */
  readonly maxFailures?: number;
  /** How long a pair that keeps failing is left alone. Default is 24 hours. */
  readonly suspendMs?: number;
}

/** What one run did. */
export interface AutoRebalanceRun {
  readonly attempted: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Fees paid in this run, msat. */
  readonly feesMsat: bigint;
  /** True when the daily budget stopped the run. */
  readonly budgetExhausted: boolean;
}

/** The background role. */
export interface AutoRebalancer {
  start(): void;
  stop(): Promise<void>;
  /** One run now (also what the timer calls). */
  runOnce(): Promise<AutoRebalanceRun>;
}

const DAY_MS = 86_400_000;

interface PairState {
  failures: number;
  retryAt: number;
}

/** Creates the automatic rebalancer. */
export function createAutoRebalancer(
  ctx: ServiceContext,
  liquidity: LiquidityInternals,
  config: AutoRebalanceConfig,
): AutoRebalancer {
  const policy = validatePolicy(config.policy);
  const budget = validateBudget(config.budget);
  const intervalMs = config.intervalMs ?? 20 * 60_000;
  const maxFailures = config.maxFailures ?? 3;
  const suspendMs = config.suspendMs ?? DAY_MS;
  const pairs = new Map<string, PairState>();
  const key = (out: string, peer: string): string => `${out}>${peer}`;
  let timer: ReturnType<ServiceContext['clock']['setTimeout']> | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;

  function recordFailure(pairKey: string, now: number): void {
    const state = pairs.get(pairKey) ?? { failures: 0, retryAt: 0 };
    state.failures += 1;
    state.retryAt = now + (state.failures >= maxFailures ? suspendMs : intervalMs * 2 ** state.failures);
    if (state.failures >= maxFailures) state.failures = 0;
    pairs.set(pairKey, state);
  }

  async function runOnce(): Promise<AutoRebalanceRun> {
    const result = await run();
    ctx.logger.info(
      {
        attempted: result.attempted,
        succeeded: result.succeeded,
        failed: result.failed,
        fees_msat: result.feesMsat.toString(),
        budget_exhausted: result.budgetExhausted,
      },
      'automatic rebalance run',
    );
    return result;
  }

  async function run(): Promise<AutoRebalanceRun> {
    const now = ctx.clock.now();
    const spent = await ctx.store.rebalances.sumFeesSince(new Date(now - DAY_MS));
    let remainingMsat = budget.maxFeeSatPerDay * 1000n - spent;
    const result = { attempted: 0, succeeded: 0, failed: 0, feesMsat: 0n, budgetExhausted: false };
    if (remainingMsat <= 0n) return { ...result, budgetExhausted: true };
    const plans = await liquidity.planWith(
      policy,
      budget,
      (out, peer) => (pairs.get(key(out, peer))?.retryAt ?? 0) <= now,
    );
    for (const plan of plans) {
      if (plan.status !== 'ready' || plan.feeMsat === null) continue;
      if (plan.feeMsat > remainingMsat) {
        // Over what is left of the day's budget; a cheaper plan further down may still fit.
        result.budgetExhausted = true;
        continue;
      }
      const capSat = remainingMsat / 1000n;
      result.attempted++;
      try {
        const done = await liquidity.rebalanceAutomatic({
          outChannel: plan.outChanId,
          inPeer: plan.inPeer,
          amountSat: plan.amountSat,
          maxFeePpm: budget.maxFeePpm,
          maxFeeSat: budget.maxFeeSat !== undefined && budget.maxFeeSat < capSat ? budget.maxFeeSat : capSat,
          idempotencyKey: `auto:${plan.outChanId}:${plan.inPeer}:${now}`,
        });
        result.succeeded++;
        result.feesMsat += done.feeMsat;
        remainingMsat -= done.feeMsat;
        pairs.delete(key(plan.outChanId, plan.inPeer));
      } catch (error) {
        result.failed++;
        recordFailure(key(plan.outChanId, plan.inPeer), now);
        if (!isLightningError(error) || !error.code.startsWith('REBALANCE_')) throw error;
      }
    }
    return result;
  }

  function schedule(): void {
    if (stopped) return;
    timer = ctx.clock.setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'automatic rebalance run failed'))
        .finally(() => {
          running = null;
          schedule();
        });
    }, intervalMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) ctx.clock.clearTimeout(timer);
      timer = null;
      await running;
    },
    runOnce,
  };
}
