/**
 * Outgoing payments through the real path: createLightning on a SQLite file, alice's LND over
 * gRPC/TLS to the simulator, dave behind carol. Fee arithmetic and per-hop balances, the bad-input
 * table (typed errors, no RPC, no row), five concurrent pays sharing one SendPaymentV2, and a final
 * search for preimages and macaroons in every log line, event and webhook body the file produced.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBolt11 } from '../../src/bolt11/index.js';
import { createLightning, type Lightning, type LightningConfig } from '../../src/create-lightning.js';
import { PaymentRejectedError, ValidationError } from '../../src/errors.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { createCollectingLogger } from '../helpers/collect.js';
import { waitUntil } from '../helpers/wait.js';
import { startBodyCollector, type BodyCollector } from '../helpers/body-collector.js';
import { LIGHTNING_EVENT_NAMES } from '../../src/domain/events.js';

const EVENT_NAMES = LIGHTNING_EVENT_NAMES;
const PAYMENT_RPCS = ['SendPaymentV2', 'TrackPaymentV2', 'DecodePayReq', 'QueryRoutes', 'SendPaymentSync'];
const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const json = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

let sim: LndSimulator;
let dir: string;
let receiver: BodyCollector;
let hookUrl: string;
let dave: LndClient;
const clients: LndClient[] = [];
const running: Lightning[] = [];
const dbFiles: string[] = [];
/** Every log line, event payload and delivered webhook body of this file. */
const loggers: { lines: string[] }[] = [];
const eventPayloads: string[] = [];
let deliveredBodies: readonly string[] = [];

beforeAll(async () => {
  sim = await startLndSimulator();
  dir = mkdtempSync(join(tmpdir(), 'lnkit-pay-grpc-'));
  receiver = await startBodyCollector();
  deliveredBodies = receiver.bodies;
  hookUrl = receiver.url;
  dave = connect('dave');
});

afterAll(async () => {
  for (const lightning of running) await lightning.stop();
  for (const client of clients) await client.close();
  await sim?.stop();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(name: string): LndClient {
  const node = sim.node(name);
  const client = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  clients.push(client);
  return client;
}

/** alice's lnkit on a fresh SQLite file, with a webhook endpoint and every output collected. */
async function openAlice(name: string, extra: Partial<LightningConfig> = {}): Promise<Lightning> {
  const filename = join(dir, `${name}.db`);
  dbFiles.push(filename);
  const logger = createCollectingLogger();
  loggers.push(logger);
  const lightning = createLightning({
    lnd: connect('alice'),
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename }),
    logger,
    webhooks: { endpoints: [{ url: hookUrl, secret: WEBHOOK_SECRET, allowInsecure: true, allowPrivateNetwork: true }] },
    ...extra,
  });
  for (const event of EVENT_NAMES)
    lightning.events.on(event, (payload) => void eventPayloads.push(json({ event, payload })));
  await lightning.start();
  running.push(lightning);
  return lightning;
}

const calls = (name: string, method?: string): string[] =>
  sim
    .node(name)
    .callLog()
    .map((c) => c.method)
    .filter((m) => method === undefined || m === method);

describe('alice pays dave through carol', () => {
  it('the fee is carol’s policy arithmetic exactly, and every hop’s balances move by amount plus fees', async () => {
    const lightning = await openAlice('fees');
    const aliceCarol = sim.network.channels().find((c) => [c.a, c.b].sort().join() === 'alice,carol')!;
    const carolDave = sim.network.channels().find((c) => [c.a, c.b].sort().join() === 'carol,dave')!;
    const amountMsat = 250_000_000n;
    const policy = carolDave.policy('carol');
    const expectedFee = policy.baseMsat + (amountMsat * policy.feeRatePpm) / 1_000_000n;
    expect(expectedFee).toBe(26_000n); // 1000 msat + 250,000,000 × 100 ppm
    const before = {
      alice: aliceCarol.balanceMsat('alice'),
      carolIn: aliceCarol.balanceMsat('carol'),
      carolOut: carolDave.balanceMsat('carol'),
      dave: carolDave.balanceMsat('dave'),
    };
    const invoice = await dave.addInvoice({ valueMsat: amountMsat, memo: 'fees' });
    const sentEvent = lightning.events.waitFor(
      'payment.sent',
      (e) => e.payment.paymentHash === invoice.paymentHash,
      10_000,
    );

    const payment = await lightning.payments.pay({ request: invoice.paymentRequest });

    expect(payment).toMatchObject({
      status: 'succeeded',
      direction: 'out',
      amountMsat,
      feeMsat: expectedFee,
      paymentHash: invoice.paymentHash,
    });
    expect(createHash('sha256').update(Buffer.from(payment.preimage!, 'hex')).digest('hex')).toBe(invoice.paymentHash);
    expect(aliceCarol.balanceMsat('alice')).toBe(before.alice - (amountMsat + expectedFee));
    expect(aliceCarol.balanceMsat('carol')).toBe(before.carolIn + (amountMsat + expectedFee));
    expect(carolDave.balanceMsat('carol')).toBe(before.carolOut - amountMsat);
    expect(carolDave.balanceMsat('dave')).toBe(before.dave + amountMsat);
    expect(aliceCarol.pendingOutgoingMsat('alice') + carolDave.pendingOutgoingMsat('carol')).toBe(0n);
    expect((await dave.lookupInvoice(invoice.paymentHash)).state).toBe('SETTLED');
    const sent = await sentEvent;
    expect(sent.payment).toMatchObject({ id: payment.id, feeMsat: expectedFee, preimage: null });
    expect((await lightning.payments.get(payment.id)).preimage).toBe(payment.preimage);
    // The webhook body reaches the endpoint.
    await waitUntil(
      () => deliveredBodies.some((b) => b.includes('payment.sent') && b.includes(invoice.paymentHash)),
      10_000,
      'payment.sent webhook',
    );
  });
});

describe('bad input to pay: a typed error, no RPC, no row', () => {
  let lightning: Lightning;
  const requests: Record<string, string> = {};
  let paymentCallsBefore: number;

  beforeAll(async () => {
    lightning = await openAlice('bad-input', { payments: { maxPaymentSat: 1000n } });
    const daveKey = sim.network.node('dave').privateKey;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const fields = {
      paymentHash: randomBytes(32).toString('hex'),
      paymentSecret: randomBytes(32).toString('hex'),
      description: 'x',
      amountMsat: 500_000n,
    };
    requests.mainnet = encodeBolt11({ ...fields, network: 'bc', timestamp: nowSeconds }, randomBytes(32));
    requests.expired = encodeBolt11(
      { ...fields, network: 'bcrt', timestamp: nowSeconds - 7200, expirySeconds: 3600 },
      daveKey,
    );
    requests.zeroAmount = (await dave.addInvoice({ valueMsat: 0n, memo: 'any amount' })).paymentRequest;
    requests.overMaximum = (await dave.addInvoice({ valueMsat: 2_000_000n, memo: '2000 sat' })).paymentRequest;
    requests.own = (await lightning.invoices.create({ amountSat: 500n, description: 'my own' })).paymentRequest;
    requests.malformed = 'lnbc1notaninvoice';
    paymentCallsBefore = calls('alice').filter((m) => PAYMENT_RPCS.includes(m)).length;
  });

  it.each([
    {
      name: 'wrong network (mainnet invoice on regtest)',
      key: 'mainnet',
      error: PaymentRejectedError,
      reason: 'wrong_network',
    },
    { name: 'expired', key: 'expired', error: PaymentRejectedError, reason: 'expired' },
    {
      name: 'zero-amount without amountSat',
      key: 'zeroAmount',
      error: PaymentRejectedError,
      reason: 'amount_required',
    },
    { name: 'malformed', key: 'malformed', error: ValidationError, field: 'request' },
    {
      name: 'over maxPaymentSat (2000 > 1000)',
      key: 'overMaximum',
      error: PaymentRejectedError,
      reason: 'over_maximum',
    },
    { name: 'own invoice', key: 'own', error: PaymentRejectedError, reason: 'own_invoice' },
  ])('$name', async ({ key, error, reason, field }) => {
    const before = calls('alice').length;
    const thrown = await lightning.payments.pay({ request: requests[key]! }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(error);
    if (reason) expect(thrown).toMatchObject({ code: 'PAYMENT_REJECTED', reason });
    if (field) expect(thrown).toMatchObject({ code: 'INVALID_INPUT', field });
    const newCalls = calls('alice').slice(before);
    // The settlement watcher's background reconcile may list invoices; nothing else may reach LND.
    expect(newCalls.filter((m) => m !== 'ListInvoices' && m !== 'SubscribeInvoices')).toEqual([]);
    expect((await lightning.payments.list()).items).toEqual([]);
  });

  it('across the whole table, no payment RPC reached the simulator', () => {
    expect(calls('alice').filter((m) => PAYMENT_RPCS.includes(m)).length).toBe(paymentCallsBefore);
  });
});

describe('five concurrent pays of the same request', () => {
  it('one SendPaymentV2, one succeeded row, the same result for all five callers', async () => {
    const lightning = await openAlice('concurrent');
    const invoice = await dave.addInvoice({ valueMsat: 21_000_000n, memo: 'five at once' });
    const sendsBefore = calls('alice', 'SendPaymentV2').length;
    const sent: string[] = [];
    lightning.events.on('payment.sent', ({ payment }) => void sent.push(payment.id));

    const results = await Promise.all(
      Array.from({ length: 5 }, () => lightning.payments.pay({ request: invoice.paymentRequest })),
    );

    expect(calls('alice', 'SendPaymentV2').length - sendsBefore).toBe(1);
    expect(results[0]).toMatchObject({
      status: 'succeeded',
      amountMsat: 21_000_000n,
      paymentHash: invoice.paymentHash,
    });
    for (const result of results) expect(result).toEqual(results[0]);
    const rows = await lightning.payments.list();
    expect(rows.items.map((p) => [p.id, p.status])).toEqual([[results[0]!.id, 'succeeded']]);
    expect(sent).toEqual([results[0]!.id]);
    // A sixth pay after the fact returns the stored payment and sends nothing.
    expect(await lightning.payments.pay({ request: invoice.paymentRequest })).toEqual(results[0]);
    expect(calls('alice', 'SendPaymentV2').length - sendsBefore).toBe(1);
  });
});

describe('secrets', () => {
  it('no preimage or macaroon appears in any log line, event or webhook body of this file', async () => {
    for (const lightning of running.splice(0)) await lightning.stop();
    const preimages = new Set<string>();
    const outboxBodies: string[] = [];
    for (const file of dbFiles) {
      const db = new Database(file, { readonly: true });
      for (const row of db.prepare('SELECT preimage FROM payments WHERE preimage IS NOT NULL').all() as {
        preimage: string;
      }[])
        preimages.add(row.preimage);
      for (const row of db.prepare('SELECT preimage FROM invoices WHERE preimage IS NOT NULL').all() as {
        preimage: string;
      }[])
        preimages.add(row.preimage);
      for (const row of db.prepare('SELECT body FROM webhook_events').all() as { body: string }[])
        outboxBodies.push(row.body);
      db.close();
    }
    const macaroons = sim.nodes().flatMap((n) => Object.values(n.macaroons));
    const secrets = [
      ...preimages,
      ...macaroons,
      ...macaroons.map((m) => Buffer.from(m, 'hex').toString('base64')),
      WEBHOOK_SECRET,
    ];
    const logLines = loggers.flatMap((l) => l.lines);
    const texts = [...logLines, ...eventPayloads, ...outboxBodies, ...deliveredBodies];
    // The search covers real output: payments succeeded, lines were logged, bodies were sent.
    expect(preimages.size).toBeGreaterThanOrEqual(2);
    expect(logLines.some((l) => l.includes('payment sent'))).toBe(true);
    expect(eventPayloads.some((p) => p.includes('payment.sent'))).toBe(true);
    expect(outboxBodies.length).toBeGreaterThan(0);
    expect(deliveredBodies.length).toBeGreaterThan(0);
    const leaks = texts.flatMap((text) =>
      secrets
        .filter((s) => text.toLowerCase().includes(s.toLowerCase()))
        .map((s) => `${s.slice(0, 8)}… in ${text.slice(0, 80)}`),
    );
    expect(leaks).toEqual([]);
  });
});
