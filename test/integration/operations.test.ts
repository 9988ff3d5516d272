/**
 * Issue "Operations" acceptance through the real path (gRPC/TLS to the simulator, a SQLite file):
 * health follows the node down and back up, the Prometheus text parses with a real exposition-format
 * parser and its counters match what the test did, prom-client registration, and the lifecycle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning, type Lightning, type LightningConfig } from '../../src/create-lightning.js';
import { LifecycleError, LndError } from '../../src/errors.js';
import { isLightningError } from '../../src/lightning-error.js';
import { createLndClient, type GrpcLndClient } from '../../src/lnd/index.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { recordEvents } from '../helpers/collect.js';
import { createSuiteLogger, findLeaks, registerSecret } from '../helpers/log-sink.js';
import { waitUntil } from '../helpers/wait.js';

let sim: LndSimulator;
/** Every line of this file's lnkit instances, for the suite-wide redaction scan. */
const logger = createSuiteLogger();
let dir: string;
const clients: GrpcLndClient[] = [];
let files = 0;

beforeAll(async () => {
  sim = await startLndSimulator();
  for (const node of sim.nodes())
    for (const [kind, macaroon] of Object.entries(node.macaroons))
      registerSecret(`${node.name} ${kind} macaroon`, macaroon);
  dir = mkdtempSync(join(tmpdir(), 'lnkit-operations-'));
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function client(
  name: string,
  options: { breaker?: { consecutiveFailures: number; halfOpenAfterMs: number } } = {},
): GrpcLndClient {
  const node = sim.node(name);
  const lnd = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
    ...options,
  });
  clients.push(lnd);
  return lnd;
}

function open(overrides: Partial<LightningConfig> = {}): Lightning {
  return createLightning({
    lnd: client('alice'),
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: join(dir, `lnkit-${++files}.db`) }),
    settlement: { minBackoffMs: 5, maxBackoffMs: 100 },
    logger,
    ...overrides,
  });
}

/** The invoice stream connects after start() resolves; health is degraded (settlement_lag) until then. */
async function healthy(lightning: Lightning, timeoutMs = 10_000): Promise<void> {
  await waitUntil(async () => (await lightning.health()).status === 'ok', timeoutMs, 'health ok');
}

async function pay(request: string): Promise<void> {
  const bob = client('bob');
  let last;
  for await (const update of bob.sendPayment({ paymentRequest: request, feeLimitMsat: 10_000n })) last = update;
  expect(last?.status).toBe('SUCCEEDED');
}

const family = (families: ParsedFamily[], name: string): ParsedFamily => {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`expected metric family ${name}, got ${families.map((f) => f.name).join(', ')}`);
  return found;
};

describe('health', () => {
  it('is ok, turns down on the next check after the node stops, and ok again after it starts', async () => {
    const alice = sim.node('alice');
    const lightning = open({ lnd: client('alice', { breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 } }) });
    await lightning.start();
    try {
      await healthy(lightning);
      const up = await lightning.health();
      expect(up.status).toBe('ok');
      expect(up.checks.map((c) => c.name).sort()).toEqual(
        [
          'channel_capacity',
          'leader',
          'lnd_connection',
          'lnd_history',
          'lnd_synced',
          'rates',
          'settlement_lag',
          'store',
          'webhook_backlog',
        ].sort(),
      );
      for (const check of up.checks) {
        expect(check.healthy, `${check.name}: ${check.detail}`).toBe(true);
        expect(check.latencyMs).toBeGreaterThanOrEqual(0);
      }

      await alice.faults.stop();
      const down = await lightning.health();
      expect(down.status).toBe('down');
      const lnd = down.checks.find((c) => c.name === 'lnd_connection')!;
      expect(lnd.healthy).toBe(false);
      expect(lnd.detail.length).toBeGreaterThan(0);
      expect(down.checks.find((c) => c.name === 'store')!.healthy).toBe(true);

      await alice.faults.start();
      const started = performance.now();
      const back = await waitUntil(
        async () => {
          const report = await lightning.health();
          return report.status === 'ok' ? report : null;
        },
        15_000,
        'health ok after the node started again',
      );
      console.log(
        `health: down on the first check after stop; ok again ${Math.round(performance.now() - started)} ms after start`,
      );
      expect(back.checks.every((c) => c.healthy)).toBe(true);
    } finally {
      await alice.faults.start();
      await lightning.stop();
    }
  }, 30_000);
});

describe('metrics', () => {
  it('prometheus() parses with an exposition-format parser; counters match 5 invoices created and 3 paid', async () => {
    // alice has no settled invoice before this test (the health test pays nothing), so every payment counted is ours.
    const lightning = open();
    await lightning.start();
    try {
      const invoices = [];
      for (let i = 0; i < 5; i++)
        invoices.push(await lightning.invoices.create({ amountSat: 1000 + i, description: `metrics ${i}` }));
      for (const invoice of invoices.slice(0, 3)) await pay(invoice.paymentRequest);
      await waitUntil(
        async () => (await lightning.metrics.snapshot()).counters.payments_received === 3,
        10_000,
        '3 payments received',
      );

      const text = await lightning.metrics.prometheus();
      const families = parsePrometheusTextFormat(text);
      const value = (name: string): number => Number(family(families, name).metrics[0]!.value);
      expect(family(families, 'lnkit_invoices_created_total').type).toBe('COUNTER');
      expect(value('lnkit_invoices_created_total')).toBe(5);
      expect(value('lnkit_payments_received_total')).toBe(3);
      expect(value('lnkit_payments_failed_total')).toBe(0);
      expect(value('lnkit_webhook_delivery_attempts_total')).toBe(0);
      for (const name of ['lnd_connection_errors', 'rate_provider_errors', 'webhook_delivery_success']) {
        expect(family(families, `lnkit_${name}_total`).metrics).toHaveLength(1);
      }

      const histogram = family(families, 'lnkit_lnd_call_duration_seconds');
      expect(histogram.type).toBe('HISTOGRAM');
      const series = histogram.metrics[0]!;
      // getInfo at start, 5 addInvoice, lookups: each unary call is observed.
      expect(Number(series.count)).toBeGreaterThanOrEqual(6);
      expect(series.buckets!['+Inf']).toBe(series.count);

      const ratio = family(families, 'lnkit_channel_local_ratio');
      expect(ratio.type).toBe('GAUGE');
      const channels = await client('alice').listChannels();
      expect(channels.length).toBeGreaterThan(0);
      expect(ratio.metrics.map((m) => m.labels?.chan_id).sort()).toEqual(channels.map((c) => c.chanId).sort());
      for (const m of ratio.metrics) expect(Number(m.value)).toBeGreaterThan(0);
      expect(value('lnkit_circuit_state')).toBe(0);
      expect(value('lnkit_outbox_backlog')).toBe(0);
      expect(value('lnkit_settlement_lag_seconds')).toBe(0);

      const snapshot = await lightning.metrics.snapshot();
      expect(snapshot.counters.invoices_created).toBe(5);
      expect(snapshot.counters.payments_received).toBe(3);
      expect(snapshot.lndCallDurationSeconds.count).toBeGreaterThanOrEqual(Number(series.count));
      expect(snapshot.gauges.filter((g) => g.name === 'channel_local_ratio')).toHaveLength(channels.length);
      expect(snapshot.gauges.find((g) => g.name === 'circuit_state')?.value).toBe(0);
    } finally {
      await lightning.stop();
    }
  }, 30_000);

  it('registers into a host prom-client Registry: registry.metrics() carries lnkit counters and gauges', async () => {
    const registry = new Registry();
    const lightning = open({ metrics: { registry } });
    // A fresh store on a node with history: the first reconcile records the earlier settlements too
    // (as external payments), so the counter is compared with the events this instance emitted.
    const received = recordEvents(lightning.events, ['payment.received']);
    await lightning.start();
    try {
      const invoice = await lightning.invoices.create({ amountSat: 2000, description: 'prom-client' });
      await pay(invoice.paymentRequest);
      await waitUntil(
        () => received.some((e) => e.payload.invoice?.id === invoice.id),
        10_000,
        'payment.received of our invoice',
      );
      const families = parsePrometheusTextFormat(await registry.metrics());
      const counter = (name: string): number => Number(family(families, name).metrics[0]!.value);
      expect(counter('lnkit_invoices_created_total')).toBe(1);
      expect(counter('lnkit_payments_received_total')).toBe(received.length);
      expect(received.filter((e) => e.payload.invoice?.id === invoice.id)).toHaveLength(1);
      expect(family(families, 'lnkit_channel_local_ratio').metrics.length).toBeGreaterThan(0);
      expect(family(families, 'lnkit_circuit_state').metrics[0]!.value).toBe('0');
      expect(registry.getSingleMetric('lnkit_invoices_created_total')).toBeDefined();
      const histogram = family(families, 'lnkit_lnd_call_duration_seconds');
      expect(histogram.type).toBe('HISTOGRAM');
      expect(Number(histogram.metrics[0]!.count)).toBeGreaterThan(0);
      expect(histogram.metrics[0]!.buckets!['+Inf']).toBe(histogram.metrics[0]!.count);
      const snapshot = await lightning.metrics.snapshot();
      expect(snapshot.counters.payments_received).toBe(received.length);
    } finally {
      await lightning.stop();
    }
  }, 20_000);
});

describe('lifecycle', () => {
  it('calls before start() fail NOT_STARTED, after stop() STOPPED; start and stop are idempotent', async () => {
    const lightning = open();
    const early = await lightning.invoices
      .create({ amountSat: 1000, description: 'too early' })
      .catch((e: unknown) => e);
    expect(early).toBeInstanceOf(LifecycleError);
    expect((early as LifecycleError).code).toBe('NOT_STARTED');
    expect(isLightningError(early)).toBe(true);

    await Promise.all([lightning.start(), lightning.start()]);
    await lightning.start();
    expect(lightning.node?.network).toBe('regtest');
    const invoice = await lightning.invoices.create({ amountSat: 1000, description: 'in time' });
    expect(invoice.status).toBe('open');

    await Promise.all([lightning.stop(), lightning.stop()]);
    await lightning.stop();
    for (const call of [
      () => lightning.invoices.create({ amountSat: 1000, description: 'too late' }),
      () => lightning.invoices.get(invoice.id),
      () => lightning.payments.list(),
    ]) {
      const late = await call().catch((e: unknown) => e);
      expect(late).toBeInstanceOf(LifecycleError);
      expect((late as LifecycleError).code).toBe('STOPPED');
    }
    const restart = await lightning.start().catch((e: unknown) => e);
    expect((restart as LifecycleError).code).toBe('STOPPED');
  });

  it('await using stops the instance at the end of the scope', async () => {
    let escaped: Lightning;
    {
      await using lightning = open();
      escaped = lightning;
      await lightning.start();
      await healthy(lightning);
    }
    const after = await escaped.invoices.create({ amountSat: 1000, description: 'disposed' }).catch((e: unknown) => e);
    expect((after as LifecycleError).code).toBe('STOPPED');
  });

  it('start() against the wrong network rejects with LND_WRONG_NETWORK and leaves nothing running', async () => {
    const alice = sim.node('alice');
    const callsBefore = alice.callLog().length;
    const lightning = open({ network: 'mainnet' });
    const error = await lightning.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LndError);
    expect((error as LndError).code).toBe('LND_WRONG_NETWORK');
    expect((error as Error).message).toContain('regtest');
    expect(lightning.node).toBeNull();
    const call = await lightning.invoices.create({ amountSat: 1000, description: 'nope' }).catch((e: unknown) => e);
    expect((call as LifecycleError).code).toBe('NOT_STARTED');
    // Nothing running: GetInfo was the only RPC (no stream, no re-tracking), and nothing calls later.
    const calls = (): string[] =>
      alice
        .callLog()
        .slice(callsBefore)
        .map((c) => c.method);
    expect(calls()).toEqual(['GetInfo']);
    const snapshot = await lightning.metrics.snapshot();
    expect(snapshot.gauges.find((g) => g.name === 'lnd_connected')?.value).toBe(0);
    expect(calls().filter((m) => m !== 'GetInfo' && m !== 'ListChannels')).toEqual([]);
    await lightning.stop();
  });
});

it('no log line written by this file carries a macaroon', () => {
  const secrets = new Map(
    sim
      .nodes()
      .flatMap((node) => Object.entries(node.macaroons).map(([kind, m]) => [`${node.name} ${kind}`, m] as const)),
  );
  expect(logger.lines.length).toBeGreaterThan(10);
  expect(
    findLeaks(
      secrets,
      logger.lines.map((text, i) => ({ where: `line ${i}`, text })),
    ),
  ).toEqual([]);
});
