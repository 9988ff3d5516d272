/**
 * lnkit's metrics: the original design's counters, gauges read at collection time, and a histogram
 * of LND call latency. `snapshot()` for JSON, `prometheus()` for the text exposition format, or
 * registration into a host's prom-client registry.
 */
import type { CounterName, MetricsRecorder } from '../metrics-recorder.js';
import {
  BUCKETS,
  histogramSnapshot,
  labelText,
  newHistogram,
  observe,
  type Histogram,
  type HistogramSnapshot,
} from './histogram.js';

export type { HistogramSnapshot } from './histogram.js';

/** Help text of every counter. */
const COUNTERS: Readonly<Record<CounterName, string>> = {
  invoices_created: 'Invoices created',
  payments_received: 'Incoming payments recorded',
  payments_sent: 'Outgoing payments that succeeded',
  payments_failed: 'Outgoing payments that failed',
  lnd_connection_errors: 'Times the connection to LND was lost',
  rate_provider_errors: 'Rate source failures',
  webhook_delivery_attempts: 'Webhook HTTP attempts',
  webhook_delivery_success: 'Webhook deliveries answered 2xx',
};

/**
 * Counters about one node's facts: with several nodes they are kept per node and exposed with a
 * `node` label (the others, about rates and webhooks, stay one series).
 */
export const NODE_COUNTERS: ReadonlySet<CounterName> = new Set<CounterName>([
  'invoices_created',
  'payments_received',
  'payments_sent',
  'payments_failed',
  'lnd_connection_errors',
]);

/** The gauges lnkit reports, read at collection time. */
export const GAUGES = {
  circuit_state: 'LND circuit breaker: 0 closed, 1 half-open, 2 open',
  outbox_backlog: 'Webhook deliveries waiting to be sent',
  settlement_lag_seconds: 'Age of the oldest settlement received but not yet committed',
  channel_local_ratio: 'Local balance / capacity per channel',
  lnd_connected: '1 while the invoice stream is connected',
  channel_outbound_sat: 'What each active channel can send, after our reserve (sat)',
  channel_inbound_sat: "What each active channel can receive, after the peer's reserve (sat)",
  rebalance_fees_sat_24h: 'Fees paid by succeeded rebalances over the last 24 hours (sat)',
  rebalance_fees_sat_total: 'Fees paid by succeeded rebalances, all time (sat)',
  leader: '1 while this process leads the store (runs the background roles), 0 while it follows',
} as const;

/** One gauge sample. */
export interface GaugeSample {
  readonly name: string;
  readonly help: string;
  readonly value: number;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A point-in-time copy of every metric. */
export interface MetricsSnapshot {
  /** Each counter's total (over every node). */
  readonly counters: Readonly<Record<CounterName, number>>;
  /**
   * With several nodes: the node counters (`invoices_created`, `payments_received`, `payments_sent`,
   * `payments_failed`, `lnd_connection_errors`) per node name. Absent with a single client.
   */
  readonly countersByNode?: Readonly<Record<string, Readonly<Partial<Record<CounterName, number>>>>>;
  readonly gauges: readonly GaugeSample[];
  /** Latency of every LND call (of every node). */
  readonly lndCallDurationSeconds: HistogramSnapshot;
  /** With several nodes: the latency of each node's LND calls, by node name. Absent with a single client. */
  readonly lndCallDurationSecondsByNode?: Readonly<Record<string, HistogramSnapshot>>;
}

/** The `lightning.metrics` API. */
export interface Metrics {
  /** Every metric now (gauges are read from LND, the store and the watcher). */
  snapshot(): Promise<MetricsSnapshot>;
  /** The Prometheus text exposition format (version 0.0.4). */
  prometheus(): Promise<string>;
}

/** Minimal shape of a prom-client Registry that lnkit registers into. */
export interface PromRegistryLike {
  /** Adds a metric to the registry. */
  registerMetric(metric: unknown): void;
}

/** Internal: a recorder whose node counters are kept under one node's name. */
export interface NodeMetrics {
  /**
   * The recorder of node `node` (several nodes): its node counters and its LND call latency count
   * under that name and in the totals; everything else goes to the shared metrics. Call it for each node before the first scrape
   * so that every node has its series (at 0) from the start.
   */
  forNode(node: string): MetricsRecorder;
}

/** Creates the metrics store; `readGauges` is called at each collection. */
export function createMetrics(options: {
  prefix?: string;
  readGauges: () => Promise<readonly GaugeSample[]>;
}): Metrics &
  MetricsRecorder &
  NodeMetrics & {
    registerInto(registry: PromRegistryLike): void;
  } {
  const prefix = options.prefix ?? 'lnkit_';
  const counters = Object.fromEntries(Object.keys(COUNTERS).map((k) => [k, 0])) as Record<CounterName, number>;
  // Several nodes: the node counters per node name, in configuration order.
  const byNode = new Map<string, Partial<Record<CounterName, number>>>();
  /** The series of counter `name`: one per node for a node counter with several nodes, else one. */
  const series = (name: CounterName): { labels: Record<string, string>; value: number }[] =>
    byNode.size > 0 && NODE_COUNTERS.has(name)
      ? [...byNode].map(([node, values]) => ({ labels: { node }, value: values[name] ?? 0 }))
      : [{ labels: {}, value: counters[name] }];
  const latency = newHistogram();
  // Several nodes: each node's LND latency, in configuration order.
  const latencyByNode = new Map<string, Histogram>();
  /** The latency series: one per node with several nodes, else one unlabelled. */
  const latencySeries = (): { labels: Record<string, string>; h: Histogram }[] =>
    latencyByNode.size > 0
      ? [...latencyByNode].map(([node, h]) => ({ labels: { node }, h }))
      : [{ labels: {}, h: latency }];
  const staticGauges = new Map<string, GaugeSample>();

  // One scrape reads several gauges (prom-client calls each metric's get()): share one read per second.
  let gaugeRead: { at: number; value: Promise<readonly GaugeSample[]> } | null = null;
  const readGaugesOnce = (): Promise<readonly GaugeSample[]> => {
    const now = Date.now();
    if (!gaugeRead || now - gaugeRead.at > 1000) gaugeRead = { at: now, value: options.readGauges().catch(() => []) };
    return gaugeRead.value;
  };

  async function snapshot(): Promise<MetricsSnapshot> {
    const read = await readGaugesOnce();
    return {
      counters: { ...counters },
      ...(byNode.size > 0
        ? { countersByNode: Object.fromEntries([...byNode].map(([node, values]) => [node, { ...values }])) }
        : {}),
      gauges: [...read, ...staticGauges.values()],
      lndCallDurationSeconds: histogramSnapshot(latency),
      ...(latencyByNode.size > 0
        ? {
            lndCallDurationSecondsByNode: Object.fromEntries(
              [...latencyByNode].map(([node, h]) => [node, histogramSnapshot(h)]),
            ),
          }
        : {}),
    };
  }

  async function prometheus(): Promise<string> {
    const snap = await snapshot();
    const lines: string[] = [];
    for (const [name, help] of Object.entries(COUNTERS)) {
      lines.push(`# HELP ${prefix}${name}_total ${help}`, `# TYPE ${prefix}${name}_total counter`);
      for (const s of series(name as CounterName))
        lines.push(`${prefix}${name}_total${labelText(s.labels)} ${s.value}`);
    }
    const byName = new Map<string, GaugeSample[]>();
    for (const g of snap.gauges) byName.set(g.name, [...(byName.get(g.name) ?? []), g]);
    for (const [name, samples] of byName) {
      lines.push(`# HELP ${prefix}${name} ${samples[0]!.help}`, `# TYPE ${prefix}${name} gauge`);
      for (const s of samples) lines.push(`${prefix}${name}${labelText(s.labels)} ${s.value}`);
    }
    const h = `${prefix}lnd_call_duration_seconds`;
    lines.push(`# HELP ${h} Latency of calls to LND`, `# TYPE ${h} histogram`);
    for (const { labels, h: series } of latencySeries()) {
      const le = (bound: string) => labelText({ ...labels, le: bound });
      BUCKETS.forEach((bound, i) => lines.push(`${h}_bucket${le(String(bound))} ${series.bucketCounts[i]}`));
      lines.push(`${h}_bucket${le('+Inf')} ${series.count}`);
      lines.push(`${h}_sum${labelText(labels)} ${series.sum}`, `${h}_count${labelText(labels)} ${series.count}`);
    }
    return `${lines.join('\n')}\n`;
  }

  const recorder: MetricsRecorder = {
    increment(name, by = 1) {
      counters[name] += by;
    },
    observeLndCall(_method, seconds) {
      observe(latency, seconds);
    },
    setGauge(name, value, labels) {
      staticGauges.set(`${name}${labelText(labels)}`, {
        name,
        help: name.replace(/_/g, ' '),
        value,
        ...(labels ? { labels } : {}),
      });
    },
  };

  return {
    snapshot,
    prometheus,
    ...recorder,
    forNode(node) {
      const own: Partial<Record<CounterName, number>> = byNode.get(node) ?? {};
      for (const name of NODE_COUNTERS) own[name] ??= 0;
      byNode.set(node, own);
      const ownLatency = latencyByNode.get(node) ?? newHistogram();
      latencyByNode.set(node, ownLatency);
      return {
        ...recorder,
        observeLndCall(method, seconds, ok) {
          recorder.observeLndCall(method, seconds, ok);
          observe(ownLatency, seconds);
        },
        increment(name, by = 1) {
          recorder.increment(name, by);
          if (NODE_COUNTERS.has(name)) own[name] = (own[name] ?? 0) + by;
        },
      };
    },
    registerInto(registry) {
      // prom-client calls `get()` on registered metrics at scrape time; lnkit answers from its own state.
      for (const [name, help] of Object.entries(COUNTERS)) {
        registry.registerMetric({
          name: `${prefix}${name}_total`,
          help,
          type: 'counter',
          aggregator: 'sum',
          reset() {},
          get: async () => ({
            name: `${prefix}${name}_total`,
            help,
            type: 'counter',
            aggregator: 'sum',
            values: series(name as CounterName),
          }),
        });
      }
      for (const [name, help] of Object.entries(GAUGES)) {
        const full = `${prefix}${name}`;
        registry.registerMetric({
          name: full,
          help,
          type: 'gauge',
          aggregator: 'omit',
          reset() {},
          get: async () => {
            const samples = (await snapshot()).gauges.filter((g) => g.name === name);
            return {
              name: full,
              help,
              type: 'gauge',
              aggregator: 'omit',
              values: samples.map((g) => ({ value: g.value, labels: { ...(g.labels ?? {}) } })),
            };
          },
        });
      }
      // The histogram in prom-client's own shape: one value per series line, named by `metricName`.
      const h = `${prefix}lnd_call_duration_seconds`;
      const hHelp = 'Latency of calls to LND';
      registry.registerMetric({
        name: h,
        help: hHelp,
        type: 'histogram',
        aggregator: 'sum',
        reset() {},
        get: async () => ({
          name: h,
          help: hHelp,
          type: 'histogram',
          aggregator: 'sum',
          values: latencySeries().flatMap(({ labels, h: series }) => [
            ...BUCKETS.map((le, i) => ({
              metricName: `${h}_bucket`,
              labels: { ...labels, le },
              value: series.bucketCounts[i]!,
            })),
            { metricName: `${h}_bucket`, labels: { ...labels, le: '+Inf' }, value: series.count },
            { metricName: `${h}_sum`, labels, value: series.sum },
            { metricName: `${h}_count`, labels, value: series.count },
          ]),
        }),
      });
    },
  };
}
