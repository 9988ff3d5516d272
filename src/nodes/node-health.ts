/**
 * One view over several nodes: health per node and overall, gauges labelled by node.
 */
import type { Clock } from '../domain/clock.js';
import {
  checkHealth,
  type HealthCheck,
  type HealthConfig,
  type HealthReport,
  type NodeHealth,
} from '../operations/health.js';
import { readGauges, type GaugeSources } from '../operations/gauges.js';
import type { GaugeSample } from '../operations/metrics.js';
import type { RateProvider } from '../rates/rate-provider.js';
import type { TableStats } from '../store/maintenance.js';
import type { Store } from '../store/store.js';
import type { NodeRegistry } from './node-registry.js';
import type { NodeRuntime } from './node-runtime.js';

/** Checks about one node; the others (store, rates, backlog, leader) are about the whole lnkit. */
const NODE_CHECKS = new Set<HealthCheck['name']>([
  'lnd_connection',
  'lnd_synced',
  'channel_capacity',
  'settlement_lag',
  'lnd_history',
]);

/** What the combined health check reads besides the nodes. */
export interface NodeHealthSources {
  readonly store: Store;
  readonly rates: RateProvider;
  readonly clock: Clock;
  readonly leadership: () => { readonly isLeader: boolean; readonly leaseName: string };
  readonly tableStats: () => { readonly at: Date; readonly tables: readonly TableStats[] } | null;
}

/** The health report of one node (every check, the shared ones included). */
export function checkNodeHealth(
  node: NodeRuntime,
  sources: NodeHealthSources,
  config: HealthConfig | undefined,
): Promise<HealthReport> {
  return checkHealth(
    {
      lnd: node.lnd,
      store: sources.store,
      rates: sources.rates,
      clock: sources.clock,
      settlementLagSeconds: () => node.watcher.lagSeconds(),
      isStreamConnected: () => node.watcher.isConnected,
      history: () => node.history.status(),
      leadership: sources.leadership,
      tableStats: sources.tableStats,
    },
    config,
  );
}

/** Health over several nodes: node checks per node (named), shared checks once, `nodes` per node. */
export async function checkNodesHealth(
  registry: NodeRegistry,
  sources: NodeHealthSources,
  config: HealthConfig | undefined,
): Promise<HealthReport> {
  const reports = await Promise.all(registry.nodes.map((n) => checkNodeHealth(n, sources, config)));
  const checks: HealthCheck[] = [];
  const nodes: NodeHealth[] = [];
  registry.nodes.forEach((node, i) => {
    const own = reports[i]!.checks.filter((c) => NODE_CHECKS.has(c.name)).map((c) => ({ ...c, node: node.label }));
    checks.push(...own);
    const connection = own.find((c) => c.name === 'lnd_connection');
    const down = node.downReason() ?? (connection && !connection.healthy ? connection.detail : null);
    const failing = own.filter((c) => !c.healthy);
    nodes.push({
      name: node.label,
      pubkey: node.binding.pubkey(),
      status: down !== null ? 'down' : failing.length > 0 ? 'degraded' : 'ok',
      detail: down ?? (failing.length > 0 ? failing.map((c) => `${c.name}: ${c.detail}`).join('; ') : null),
    });
  });
  const shared = reports[0]!.checks.filter((c) => !NODE_CHECKS.has(c.name));
  checks.push(...shared);
  const storeDown = shared.some((c) => c.name === 'store' && !c.healthy);
  const anyFailing = checks.some((c) => !c.healthy) || nodes.some((n) => n.status !== 'ok');
  const status = storeDown || nodes.every((n) => n.status === 'down') ? 'down' : anyFailing ? 'degraded' : 'ok';
  const tables = reports[0]!.tables;
  return { status, checks, nodes, ...(tables ? { tables } : {}) };
}

/** Gauges about one node get a `node` label; the shared ones are read once. */
const NODE_GAUGES = new Set([
  'circuit_state',
  'settlement_lag_seconds',
  'lnd_connected',
  'channel_outbound_sat',
  'channel_inbound_sat',
  'channel_local_ratio',
]);

/** Reads every node's gauges, labelled by node. */
export async function readNodesGauges(
  registry: NodeRegistry,
  base: Omit<GaugeSources, 'lnd' | 'settlementLagSeconds' | 'isStreamConnected'>,
): Promise<GaugeSample[]> {
  const all = await Promise.all(
    registry.nodes.map((node) =>
      readGauges({
        ...base,
        lnd: node.lnd,
        settlementLagSeconds: () => node.watcher.lagSeconds(),
        isStreamConnected: () => node.watcher.isConnected,
      }),
    ),
  );
  const samples: GaugeSample[] = [];
  all.forEach((gauges, i) => {
    for (const g of gauges) {
      if (NODE_GAUGES.has(g.name)) samples.push({ ...g, labels: { ...g.labels, node: registry.nodes[i]!.label } });
      else if (i === 0) samples.push(g);
    }
  });
  return samples;
}
