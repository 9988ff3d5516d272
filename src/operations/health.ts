/**
 * `lightning.health()`: one probe per dependency, each bounded in time, folded into ok / degraded / down.
 */
import { channelLiquidity } from '../domain/liquidity.js';
import type { Clock } from '../domain/clock.js';
import type { LndClient } from '../lnd/lnd-client.js';
import type { RateProvider } from '../rates/rate-provider.js';
import type { TableStats } from '../store/maintenance.js';
import type { Store } from '../store/store.js';

/** One check's result. */
export interface HealthCheck {
  readonly name:
    | 'lnd_connection'
    | 'lnd_synced'
    | 'channel_capacity'
    | 'store'
    | 'rates'
    | 'webhook_backlog'
    | 'settlement_lag'
    | 'lnd_history'
    | 'leader';
  readonly healthy: boolean;
  readonly detail: string;
  readonly latencyMs: number;
  /** With several nodes: the node a node check is about (its configured name). */
  readonly node?: string;
}

/** One node's state in {@link HealthReport.nodes} (several nodes). */
export interface NodeHealth {
  /** The configured name. */
  readonly name: string;
  /** Null while the node is not identified. */
  readonly pubkey: string | null;
  /** `down` when unreachable, its breaker is open or its stream is down; `degraded` when a node check fails. */
  readonly status: 'ok' | 'degraded' | 'down';
  /** Why it is down or degraded; null when ok. */
  readonly detail: string | null;
}

/** The health report: `down` when LND or the store is unreachable, `degraded` when another check fails. */
export interface HealthReport {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly checks: readonly HealthCheck[];
  /**
   * Row count and oldest row per table, as of `at` (read by the retention job after each run, so
   * that health() itself stays cheap). Absent before the first run or with a store without `maintenance`.
   */
  readonly tables?: { readonly at: Date; readonly tables: readonly TableStats[] };
  /**
   * With several nodes: each node's state. Overall, `down` when no node can take invoices (or the
   * store is down), `degraded` when one of several is down.
   */
  readonly nodes?: readonly NodeHealth[];
}

/** Thresholds of the health checks. */
export interface HealthConfig {
  /** Deliveries pending above this → webhook_backlog unhealthy. Default is 1000. */
  readonly maxWebhookBacklog?: number;
  /** Settlement lag above this → unhealthy. Default is 60 s. */
  readonly maxSettlementLagSeconds?: number;
  /** Each check's time limit. Default is 5 s. */
  readonly checkTimeoutMs?: number;
  /**
   * channel_capacity is unhealthy when the active channels can receive less than this (after the
   * peers' reserves), in sat. Default is 0: any receivable inbound is healthy.
   */
  readonly minInboundSat?: bigint;
}

/** What the health checks read. */
export interface HealthSources {
  readonly lnd: LndClient;
  readonly store: Store;
  readonly rates: RateProvider;
  readonly clock: Clock;
  readonly settlementLagSeconds: () => number;
  readonly isStreamConnected: () => boolean;
  /** LND's history as lnkit sees it (a detected reset, healed or not). Absent: the check is left out. */
  readonly history?: () => { readonly healthy: boolean; readonly detail: string };
  /**
   * This process's leadership. When given, a `leader` check names who leads, and a follower's
   * settlement_lag check is about the leader (which runs the stream), not about this process.
   */
  readonly leadership?: () => { readonly isLeader: boolean; readonly leaseName: string };
  /** The latest table figures (retention job), or null. */
  readonly tableStats?: () => { readonly at: Date; readonly tables: readonly TableStats[] } | null;
}

const CRITICAL = new Set<HealthCheck['name']>(['lnd_connection', 'store']);

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const isPermissionDenied = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'LND_PERMISSION';
const NOT_VISIBLE = 'not visible with this macaroon';

/** Runs every check concurrently and folds them into a report. */
export async function checkHealth(sources: HealthSources, config: HealthConfig = {}): Promise<HealthReport> {
  const timeoutMs = config.checkTimeoutMs ?? 5_000;
  const maxBacklog = config.maxWebhookBacklog ?? 1000;
  const maxLag = config.maxSettlementLagSeconds ?? 60;

  async function probe(
    name: HealthCheck['name'],
    fn: () => Promise<{ healthy: boolean; detail: string }>,
  ): Promise<HealthCheck> {
    const started = performance.now();
    try {
      const { healthy, detail } = await withTimeout(fn(), timeoutMs);
      return { name, healthy, detail, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { name, healthy: false, detail: message(error), latencyMs: Math.round(performance.now() - started) };
    }
  }

  // A macaroon without info:read (invoice.macaroon) proves the connection with ListInvoices instead.
  const info = sources.lnd.getInfo().then(
    (value) => value,
    async (error: unknown) => {
      if (!isPermissionDenied(error)) throw error;
      await sources.lnd.listInvoices({ maxInvoices: 1 });
      return null;
    },
  );
  info.catch(() => undefined);
  const checks = await Promise.all([
    probe('lnd_connection', async () => {
      const i = await info;
      if (!i) return { healthy: true, detail: 'connected (GetInfo not permitted by this macaroon)' };
      return { healthy: true, detail: `${i.alias || i.pubkey.slice(0, 16)} on ${i.network}, block ${i.blockHeight}` };
    }),
    probe('lnd_synced', async () => {
      const i = await info;
      if (!i) return { healthy: true, detail: NOT_VISIBLE };
      return { healthy: i.isSyncedToChain, detail: i.isSyncedToChain ? 'synced to chain' : 'not synced to chain' };
    }),
    probe('channel_capacity', async () => {
      const channels = await sources.lnd.listChannels().catch((error: unknown) => {
        if (isPermissionDenied(error)) return null;
        throw error;
      });
      if (channels === null) return { healthy: true, detail: NOT_VISIBLE };
      const active = channels.filter((c) => c.isActive);
      const local = active.reduce((s, c) => s + c.localBalanceSat, 0n);
      const remote = active.reduce((s, c) => s + c.remoteBalanceSat, 0n);
      const inbound = active.map(channelLiquidity).reduce((s, c) => s + c.inboundSat, 0n);
      const floor = config.minInboundSat ?? 0n;
      return {
        healthy: active.length > 0 && remote > 0n && inbound >= floor,
        detail: `${active.length}/${channels.length} channels active, local ${local} sat, remote (inbound) ${remote} sat, receivable ${inbound} sat (floor ${floor} sat)`,
      };
    }),
    probe('store', async () => {
      // A write probe: a read-only, full or deleted store is down, not "reachable".
      await sources.store.ping();
      return { healthy: true, detail: 'writable' };
    }),
    probe('rates', async () => {
      const quote = await sources.rates.getRate('BTC', 'EUR');
      return {
        healthy: !quote.isStale && quote.source !== 'fallback',
        detail: `${quote.rate.toFixed()} EUR/BTC from ${quote.source}${quote.isStale ? ' (stale)' : ''}`,
      };
    }),
    probe('webhook_backlog', async () => {
      const pending = await sources.store.webhookOutbox.countPending();
      return { healthy: pending <= maxBacklog, detail: `${pending} deliveries pending` };
    }),
    probe('settlement_lag', async () => {
      if (sources.leadership && !sources.leadership().isLeader)
        return { healthy: true, detail: 'followed: the leader runs the settlement stream' };
      const lag = sources.settlementLagSeconds();
      const connected = sources.isStreamConnected();
      return {
        healthy: connected && lag <= maxLag,
        detail: `${connected ? 'stream connected' : 'stream disconnected'}, lag ${lag.toFixed(1)} s`,
      };
    }),
    ...(sources.history ? [probe('lnd_history', async () => sources.history!())] : []),
    ...(sources.leadership ? [probe('leader', () => leaderCheck(sources))] : []),
  ]);
  const failing = checks.filter((c) => !c.healthy);
  const status = failing.some((c) => CRITICAL.has(c.name)) ? 'down' : failing.length > 0 ? 'degraded' : 'ok';
  const tables = sources.tableStats?.() ?? null;
  return tables ? { status, checks, tables } : { status, checks };
}

/** Who leads: this process, another live one (host/pid), or nobody (the background roles are not running). */
async function leaderCheck(sources: HealthSources): Promise<{ healthy: boolean; detail: string }> {
  const { isLeader, leaseName } = sources.leadership!();
  const lease = await sources.store.leases.get(leaseName);
  const now = sources.clock.now();
  if (!lease || lease.expiresAt.getTime() <= now)
    return { healthy: false, detail: 'no live leader: settlement tracking and webhook dispatch are not running' };
  const until = `lease until ${lease.expiresAt.toISOString()}`;
  if (isLeader) return { healthy: true, detail: `this process leads (pid ${lease.pid} on ${lease.host}), ${until}` };
  return { healthy: true, detail: `following ${lease.host}/${lease.pid} (${lease.owner}), ${until}` };
}
