import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

const noGauges = { readGauges: () => Promise.resolve([]) };

/** The samples of one family, as `labels → value`. */
function samples(text: string, name: string): Record<string, number> {
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  if (!family) throw new Error(`no family ${name}`);
  return Object.fromEntries(family.metrics.map((m) => [JSON.stringify(m.labels ?? {}), Number(m.value)]));
}

describe('counters by node (#16)', () => {
  it('one client: one unlabelled series per counter, no countersByNode', async () => {
    const metrics = createMetrics(noGauges);
    metrics.increment('payments_received', 2);
    const text = await metrics.prometheus();
    expect(text).toContain('\nlnkit_payments_received_total 2\n');
    metrics.observeLndCall('getInfo', 0.02, true);
    const after = await metrics.prometheus();
    expect(after).toContain('\nlnkit_lnd_call_duration_seconds_bucket{le="0.025"} 1\n');
    expect(after).toContain('\nlnkit_lnd_call_duration_seconds_count 1\n');
    expect(after).not.toContain('node=');
    const snap = await metrics.snapshot();
    expect(snap.countersByNode).toBeUndefined();
    expect(snap.lndCallDurationSecondsByNode).toBeUndefined();
  });

  it('several nodes: node counters per node (every node from 0), totals in counters, shared counters unlabelled', async () => {
    const metrics = createMetrics(noGauges);
    const alice = metrics.forNode('alice');
    const erin = metrics.forNode('erin');
    alice.increment('payments_received');
    alice.increment('invoices_created', 3);
    erin.increment('payments_received', 2);
    erin.increment('rate_provider_errors');
    alice.increment('lnd_connection_errors');

    const text = await metrics.prometheus();
    expect(samples(text, 'lnkit_payments_received_total')).toEqual({
      '{"node":"alice"}': 1,
      '{"node":"erin"}': 2,
    });
    expect(samples(text, 'lnkit_invoices_created_total')).toEqual({ '{"node":"alice"}': 3, '{"node":"erin"}': 0 });
    expect(samples(text, 'lnkit_lnd_connection_errors_total')).toEqual({ '{"node":"alice"}': 1, '{"node":"erin"}': 0 });
    expect(samples(text, 'lnkit_rate_provider_errors_total')).toEqual({ '{}': 1 });
    expect(samples(text, 'lnkit_webhook_delivery_attempts_total')).toEqual({ '{}': 0 });

    const snap = await metrics.snapshot();
    expect(snap.counters.payments_received).toBe(3);
    expect(snap.counters.invoices_created).toBe(3);
    expect(snap.countersByNode).toEqual({
      alice: {
        invoices_created: 3,
        payments_received: 1,
        payments_sent: 0,
        payments_failed: 0,
        lnd_connection_errors: 1,
      },
      erin: {
        invoices_created: 0,
        payments_received: 2,
        payments_sent: 0,
        payments_failed: 0,
        lnd_connection_errors: 0,
      },
    });
  });

  it('several nodes: the LND latency histogram is one series per node; the snapshot keeps the total', async () => {
    const metrics = createMetrics(noGauges);
    metrics.forNode('alice').observeLndCall('addInvoice', 0.02, true);
    metrics.forNode('erin').observeLndCall('addInvoice', 3, true);
    // (parse-prometheus-text-format merges labelled histogram series: read the lines.)
    const lines = (await metrics.prometheus()).split('\n').filter((l) => l.startsWith('lnkit_lnd_call'));
    for (const line of [
      'lnkit_lnd_call_duration_seconds_bucket{node="alice",le="0.025"} 1',
      'lnkit_lnd_call_duration_seconds_bucket{node="erin",le="0.025"} 0',
      'lnkit_lnd_call_duration_seconds_bucket{node="erin",le="5"} 1',
      'lnkit_lnd_call_duration_seconds_count{node="alice"} 1',
      'lnkit_lnd_call_duration_seconds_sum{node="erin"} 3',
    ])
      expect(lines).toContain(line);
    // Only labelled series: no unlabelled total beside them (a sum() would count it twice).
    expect(lines.filter((l) => !l.includes('node='))).toEqual([]);
    const snap = await metrics.snapshot();
    expect(snap.lndCallDurationSeconds.count).toBe(2);
    expect(snap.lndCallDurationSecondsByNode?.erin?.sum).toBe(3);
  });

  it('a host prom-client registry gets the same labelled series', async () => {
    const metrics = createMetrics(noGauges);
    metrics.forNode('alice').increment('payments_sent', 4);
    metrics.forNode('erin');
    const registry = new Registry();
    metrics.registerInto(registry);
    const text = await registry.metrics();
    expect(samples(text, 'lnkit_payments_sent_total')).toEqual({ '{"node":"alice"}': 4, '{"node":"erin"}': 0 });
    expect(samples(text, 'lnkit_webhook_delivery_success_total')).toEqual({ '{}': 0 });
    expect(text).toContain('lnkit_lnd_call_duration_seconds_count{node="erin"} 0');
  });
});
