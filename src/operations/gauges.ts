/**
 * The gauges of `lightning.metrics`, read at collection time from LND, the store and the watcher.
 */
import { localRatio } from '../domain/channel.js';
import { channelLiquidity } from '../domain/liquidity.js';
import type { LndClient } from '../lnd/lnd-client.js';
import type { Store } from '../store/store.js';
import { GAUGES, type GaugeSample } from './metrics.js';

const CIRCUIT_CODES: Readonly<Record<string, number>> = { closed: 0, 'half-open': 1, open: 2 };

/** What the gauges read. */
export interface GaugeSources {
  /** The host's LND client; `circuitState` is read when it has one (the gRPC client does). */
  readonly lnd: LndClient & { readonly circuitState?: string };
  readonly store: Store;
  readonly settlementLagSeconds: () => number;
  readonly isStreamConnected: () => boolean;
  /** Now, for the 24-hour rebalance fee window. Default is Date.now. */
  readonly now?: () => number;
  /** True while this process leads the store. Default: the gauge is left out. */
  readonly isLeader?: () => boolean;
}

const DAY_MS = 86_400_000;

/** Reads every gauge; a source that fails leaves its gauge out rather than failing the scrape. */
export async function readGauges(sources: GaugeSources): Promise<GaugeSample[]> {
  const gauge = (name: keyof typeof GAUGES, value: number, labels?: Record<string, string>): GaugeSample => ({
    name,
    help: GAUGES[name],
    value,
    ...(labels ? { labels } : {}),
  });
  const gauges: GaugeSample[] = [];
  const circuit = sources.lnd.circuitState;
  if (circuit !== undefined) gauges.push(gauge('circuit_state', CIRCUIT_CODES[circuit] ?? 0));
  gauges.push(gauge('settlement_lag_seconds', sources.settlementLagSeconds()));
  gauges.push(gauge('lnd_connected', sources.isStreamConnected() ? 1 : 0));
  const now = (sources.now ?? Date.now)();
  if (sources.isLeader) gauges.push(gauge('leader', sources.isLeader() ? 1 : 0));
  const [backlog, channels, feesDay, feesTotal] = await Promise.all([
    sources.store.webhookOutbox.countPending().catch(() => null),
    sources.lnd.listChannels().catch(() => []),
    sources.store.rebalances.sumFeesSince(new Date(now - DAY_MS)).catch(() => null),
    sources.store.rebalances.sumFeesSince(new Date(0)).catch(() => null),
  ]);
  if (feesDay !== null) gauges.push(gauge('rebalance_fees_sat_24h', Number(feesDay) / 1000));
  if (feesTotal !== null) gauges.push(gauge('rebalance_fees_sat_total', Number(feesTotal) / 1000));
  for (const c of channels.map(channelLiquidity).filter((x) => x.isActive)) {
    gauges.push(gauge('channel_outbound_sat', Number(c.outboundSat), { chan_id: c.chanId }));
    gauges.push(gauge('channel_inbound_sat', Number(c.inboundSat), { chan_id: c.chanId }));
  }
  if (backlog !== null) gauges.push(gauge('outbox_backlog', backlog));
  for (const channel of channels)
    gauges.push(gauge('channel_local_ratio', localRatio(channel), { chan_id: channel.chanId }));
  return gauges;
}
