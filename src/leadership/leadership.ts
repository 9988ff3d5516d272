/**
 * One leader per store: the process holding the store's `leader` lease runs the background roles
 * (settlement stream, reconcile, expiry sweeper, HODL watchers, payment re-tracking, webhook
 * dispatch); the others follow. The leader renews every `ttlMs / 3`; a follower (role `auto`) tries
 * to take the lease as often, and wins once the leader's lease expired — within `ttlMs` of its last
 * heartbeat, so a SIGKILLed leader is replaced within one TTL. A leader that cannot renew steps down
 * before its lease can expire, so two leaders never run at once on one clock.
 */
import { hostname } from 'node:os';
import type { Clock, TimerHandle } from '../domain/clock.js';
import { StoreLockedError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { LeaseRecord, Store } from '../store/store.js';

/** `auto`: lead when the lease is free, follow otherwise. `leader`: lead or fail `start()`. `follower`: never lead. */
export type LightningRole = 'auto' | 'leader' | 'follower';

/** The lease's name in the store. */
export const LEADER_LEASE = 'leader';
/** Default lease TTL. */
export const DEFAULT_LEASE_TTL_MS = 15_000;
const ROLES: readonly LightningRole[] = ['auto', 'leader', 'follower'];

/** Who leads, as this process last saw it. */
export interface LeaderView {
  readonly isLeader: boolean;
  readonly role: LightningRole;
  /** The lease as last read (ours when leading); null when nobody holds it. */
  readonly lease: LeaseRecord | null;
}

/** What {@link createLeadership} needs. */
export interface LeadershipConfig {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly role?: LightningRole;
  readonly ttlMs?: number;
  /** Starts the background roles; awaited before this process counts as leading. */
  onElected(): Promise<void>;
  /** Stops them (the lease is lost or being released). */
  onDeposed(): Promise<void>;
}

/** The running leadership of one lnkit instance. */
export interface Leadership {
  /**
   * Claims the lease (unless `follower`), runs `onElected` when won, and starts the heartbeat.
   * @throws {StoreLockedError} role `leader` while another live process holds the lease
   */
  start(): Promise<void>;
  /** Stops the heartbeat, runs `onDeposed` when leading and releases the lease. */
  stop(): Promise<void>;
  view(): LeaderView;
}

/**
 * Validates the role and TTL options.
 * @throws {ValidationError}
 */
export function checkLeadershipOptions(role: unknown, ttlMs: unknown): void {
  if (role !== undefined && !ROLES.includes(role as LightningRole))
    throw new ValidationError('role', `expected one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`);
  if (ttlMs !== undefined && (!Number.isInteger(ttlMs) || (ttlMs as number) < 300 || (ttlMs as number) > 60_000))
    throw new ValidationError('leaseTtlMs', `expected an integer from 300 to 60000 ms, got ${String(ttlMs)}`);
}

/** Creates the leadership of one lnkit instance (a new owner id per instance). */
export function createLeadership(config: LeadershipConfig): Leadership {
  const { store, clock, logger } = config;
  const role = config.role ?? 'auto';
  const ttlMs = config.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  checkLeadershipOptions(role, ttlMs);
  const me = { owner: newId('own', clock.now()), pid: process.pid, host: hostname() };
  const claim = () => ({ name: LEADER_LEASE, ...me, ttlMs, now: new Date(clock.now()) });
  let leading = false;
  let lease: LeaseRecord | null = null;
  /** When our lease was last renewed (ms): past `renewedAt + ttlMs * 2/3` without renewal we step down. */
  let renewedAt = 0;
  let timer: TimerHandle | null = null;
  let beat: Promise<void> | null = null;
  let running = false;
  /** The last heartbeat could not reach the store: retry at the normal pace, not at the lease's expiry. */
  let failed = false;

  const describe = (l: LeaseRecord): string => `${l.host} pid ${l.pid} (${l.owner})`;

  /**
   * Runs the leader roles; when they fail to start, steps down and releases (and rethrows when
   * `rethrow`). Starting the roles can take longer than the lease (the first reconcile of a large
   * backlog, re-tracking in-flight payments on a busy machine), so the lease is renewed every third
   * of the TTL meanwhile: otherwise it lapses, another process takes it, and leadership passes from
   * one starting process to the next without anyone running the roles. A renewal refused (taken over)
   * steps down once the roles have started.
   */
  async function elect(held: LeaseRecord, rethrow: boolean): Promise<void> {
    lease = held;
    renewedAt = held.renewedAt.getTime();
    leading = true;
    logger.info({ owner: me.owner, pid: me.pid, host: me.host }, 'this process leads the store');
    const keepAlive = keepLeaseWhile();
    try {
      await config.onElected();
    } catch (error) {
      await keepAlive.stop();
      logger.error({ err: error }, 'starting the leader roles failed; stepping down');
      await depose('starting the leader roles failed');
      await store.leases.release(LEADER_LEASE, me.owner).catch(() => false);
      if (rethrow) throw error;
      return;
    }
    const lost = await keepAlive.stop();
    if (lost) await depose(lost);
  }

  /** Renews the lease every third of the TTL until `stop()`, which resolves with why it was lost, if it was. */
  function keepLeaseWhile(): { stop(): Promise<string | null> } {
    let active = true;
    let lost: string | null = null;
    let handle: TimerHandle | null = null;
    let renewing: Promise<void> = Promise.resolve();
    const tick = (): void => {
      handle = clock.setTimeout(
        () => {
          handle = null;
          renewing = (async () => {
            try {
              const renewed = await store.leases.renew(claim());
              if (renewed) {
                lease = renewed;
                renewedAt = renewed.renewedAt.getTime();
              } else {
                const holder = (await store.leases.get(LEADER_LEASE)) ?? null;
                lost = `the lease was taken over by ${holder ? describe(holder) : 'nobody'} while the roles started`;
              }
            } catch (error) {
              logger.warn({ err: error }, 'renewing the leader lease failed');
            }
          })().finally(() => {
            if (active && lost === null) tick();
          });
        },
        Math.floor(ttlMs / 3),
      );
    };
    tick();
    return {
      async stop() {
        active = false;
        if (handle !== null) clock.clearTimeout(handle);
        await renewing;
        return lost;
      },
    };
  }

  async function depose(reason: string): Promise<void> {
    if (!leading) return;
    leading = false;
    logger.warn({ owner: me.owner, reason }, 'this process no longer leads the store');
    await config.onDeposed().catch((error: unknown) => logger.error({ err: error }, 'stopping leader roles failed'));
  }

  async function heartbeat(): Promise<void> {
    failed = false;
    if (leading) {
      try {
        const renewed = await store.leases.renew(claim());
        if (renewed) {
          lease = renewed;
          renewedAt = renewed.renewedAt.getTime();
          return;
        }
        lease = (await store.leases.get(LEADER_LEASE)) ?? null;
        await depose(`the lease was taken over by ${lease ? describe(lease) : 'nobody'}`);
      } catch (error) {
        if (clock.now() - renewedAt >= (ttlMs * 2) / 3) await depose('the lease could not be renewed in time');
        logger.warn({ err: error }, 'renewing the leader lease failed');
      }
      return;
    }
    try {
      if (role === 'follower') {
        lease = (await store.leases.get(LEADER_LEASE)) ?? null;
        return;
      }
      const held = await store.leases.tryAcquire(claim());
      lease = held;
      if (held.owner === me.owner && running) await elect(held, false);
    } catch (error) {
      failed = true;
      logger.warn({ err: error }, 'reading the leader lease failed');
    }
  }

  /**
   * Every third of the TTL; a follower also tries right after the holder's lease expires, so a dead
   * leader is replaced within one TTL of its last heartbeat. After a failed attempt (the store is
   * down or read-only) it waits a third of the TTL: the expired lease it last saw would otherwise
   * make it retry every 10 ms for as long as the store fails.
   */
  function nextDelayMs(): number {
    const third = Math.floor(ttlMs / 3);
    if (leading || role === 'follower' || !lease || failed) return third;
    return Math.max(10, Math.min(third, lease.expiresAt.getTime() - clock.now() + 5));
  }

  function schedule(): void {
    if (!running) return;
    timer = clock.setTimeout(() => {
      timer = null;
      beat = heartbeat().finally(() => {
        beat = null;
        schedule();
      });
    }, nextDelayMs());
  }

  return {
    async start() {
      if (running) return;
      if (role === 'follower') lease = (await store.leases.get(LEADER_LEASE)) ?? null;
      else {
        const held = await store.leases.tryAcquire(claim());
        lease = held;
        if (held.owner !== me.owner && role === 'leader') {
          throw new StoreLockedError(
            `the store is led by ${describe(held)} until ${held.expiresAt.toISOString()}; ` +
              `stop that process, use role 'auto' or 'follower' here, or wait for its lease to expire`,
            { host: held.host, pid: held.pid, owner: held.owner, expiresAt: held.expiresAt },
          );
        }
        if (held.owner === me.owner) await elect(held, true);
      }
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await beat;
      if (leading) {
        await depose('stopping');
        await store.leases.release(LEADER_LEASE, me.owner).catch(() => false);
      }
      lease = null;
    },
    view: () => ({ isLeader: leading, role, lease }),
  };
}
