/**
 * Issue "Operations" acceptance, redaction: one scenario walks every path that could leak a secret
 * (LND auth failures, HODL and outgoing preimages, a failing webhook endpoint, a failing rate source
 * with an API key) with a debug-level collecting logger; no log line, event payload, webhook body,
 * delivery-attempt row or thrown error carries a macaroon, preimage, webhook secret or API key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import type { LightningEvents } from '../../src/domain/events.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createLndClient, type GrpcLndClient } from '../../src/lnd/index.js';
import { createCoinMarketCapSource, createRateProvider } from '../../src/rates/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { generateWebhookSecret } from '../../src/webhooks/index.js';
import { createSuiteLogger, findLeaks, registerSecret } from '../helpers/log-sink.js';
import { waitUntil } from '../helpers/wait.js';
import { LIGHTNING_EVENT_NAMES } from '../../src/domain/events.js';

const ALL_EVENTS = LIGHTNING_EVENT_NAMES;

let sim: LndSimulator;
let dir: string;
const servers: Server[] = [];
const clients: GrpcLndClient[] = [];
const API_KEY = `cmc-${randomBytes(16).toString('hex')}`;

/** A local server answering 500 and echoing the request headers back (a worst-case upstream). */
async function echoing500(seen: IncomingMessage['headers'][]): Promise<string> {
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () =>
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'boom', echo: req.headers })),
    );
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  sim = await startLndSimulator();
  for (const node of sim.nodes())
    for (const [kind, macaroon] of Object.entries(node.macaroons))
      registerSecret(`${node.name} ${kind} macaroon`, macaroon);
  dir = mkdtempSync(join(tmpdir(), 'lnkit-redaction-'));
});
afterAll(async () => {
  for (const client of clients) await client.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function client(name: string, macaroon?: string): GrpcLndClient {
  const node = sim.node(name);
  const lnd = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: macaroon ?? node.macaroons.admin,
    serverNameOverride: 'localhost',
    maxRetries: 0,
  });
  clients.push(lnd);
  return lnd;
}

/** A forged macaroon: alice's admin macaroon with its last signature byte flipped. */
function forge(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  bytes[bytes.length - 1]! ^= 0xff;
  return bytes.toString('hex');
}

const sha256 = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

it('no log line, event, webhook body, attempt row or error carries a macaroon, preimage, webhook secret or API key', async () => {
  const alice = sim.node('alice');
  const logger = createSuiteLogger();
  const errors: unknown[] = [];
  const capture = async <T>(promise: Promise<T>): Promise<T | undefined> =>
    promise.catch((error: unknown) => void errors.push(error));
  const secrets = new Map<string, string>();
  secrets.set('admin macaroon', alice.macaroons.admin);
  secrets.set('invoice macaroon', alice.macaroons.invoice);
  secrets.set('readonly macaroon', alice.macaroons.readonly);
  const forged = forge(alice.macaroons.admin);
  secrets.set('forged macaroon', forged);

  // 1. LND auth failures. A forged macaroon: start() fails, and a watcher whose stream is refused logs the error.
  const forgedLnd = client('alice', forged);
  await capture(
    createLightning({
      lnd: forgedLnd,
      rates: { getRate: () => Promise.reject(new Error('unused')) },
      store: createSqliteStore({ filename: join(dir, 'forged.db') }),
      logger,
    }).start(),
  );
  expect(errors.at(-1)).toMatchObject({ code: 'LND_AUTHENTICATION' });
  // A missing macaroon is refused before any call.
  await capture(
    Promise.resolve().then(() =>
      createLndClient({ socket: alice.socket, cert: alice.cert, macaroon: '', serverNameOverride: 'localhost' }),
    ),
  );
  expect(errors.at(-1)).toMatchObject({ code: 'INVALID_INPUT' });

  // The main instance: admin LND for unary calls, but its invoice stream goes through the forged
  // macaroon first, so lnkit itself logs the authentication errors of the stream.
  const admin = client('alice');
  let streamRefusals = 0;
  const lnd: LndClient = {
    ...admin,
    subscribeInvoices: (input) =>
      streamRefusals++ < 2 ? forgedLnd.subscribeInvoices(input) : admin.subscribeInvoices(input),
  };
  const seenByRates: IncomingMessage['headers'][] = [];
  const seenByHooks: IncomingMessage['headers'][] = [];
  const rates = createRateProvider({
    sources: [createCoinMarketCapSource({ apiKey: API_KEY, baseUrl: await echoing500(seenByRates) })],
  });
  secrets.set('API key', API_KEY);
  const db = join(dir, 'lnkit.db');
  const lightning: Lightning = createLightning({
    lnd,
    rates,
    store: createSqliteStore({ filename: db }),
    logger,
    settlement: { minBackoffMs: 5, maxBackoffMs: 50 },
    webhooks: { delivery: { retrySchedule: [20, 20, 20], pollIntervalMs: 20, timeoutMs: 2_000 } },
  });
  const events: { name: string; payload: unknown }[] = [];
  for (const name of ALL_EVENTS)
    lightning.events.on(name, (payload: LightningEvents[typeof name]) => void events.push({ name, payload }));
  await lightning.start();
  await waitUntil(
    () =>
      streamRefusals > 2 && lightning.health().then((h) => h.checks.find((c) => c.name === 'settlement_lag')!.healthy),
    10_000,
    'stream up',
  );
  expect(logger.lines.some((l) => l.includes('invoice stream failed'))).toBe(true);

  // 2. A webhook endpoint that answers 500 (echoing our headers), so attempts fail and are logged.
  const whsec = generateWebhookSecret();
  secrets.set('webhook secret', whsec);
  const hookUrl = `${await echoing500(seenByHooks)}/hooks`;
  await lightning.webhooks.addEndpoint({ url: hookUrl, secret: whsec, allowInsecure: true, allowPrivateNetwork: true });

  // 3. A rate source with an API key that fails: invoices.create({ amountEur }) fails closed.
  await capture(lightning.invoices.create({ amountEur: '5.00', description: 'priced in EUR' }));
  expect(errors.at(-1)).toMatchObject({ code: 'RATE_UNAVAILABLE' });
  expect(seenByRates.length).toBeGreaterThan(0);
  expect(seenByRates[0]!['x-cmc_pro_api_key']).toBe(API_KEY);
  expect((await lightning.metrics.snapshot()).counters.rate_provider_errors).toBeGreaterThanOrEqual(1);

  // 4. HODL invoices: one with a host preimage, one with a preimage lnkit generated.
  const bob = client('bob');
  const hostPreimage = randomBytes(32).toString('hex');
  secrets.set('host HODL preimage', hostPreimage);
  const held = await lightning.invoices.createHold({
    amountSat: 2000,
    description: 'hold (host preimage)',
    paymentHash: sha256(hostPreimage),
  });
  const generated = await lightning.invoices.createHold({ amountSat: 3000, description: 'hold (lnkit preimage)' });
  const payAll = async (request: string): Promise<string | null> => {
    let last;
    for await (const update of bob.sendPayment({ paymentRequest: request, feeLimitMsat: 10_000n })) last = update;
    return last?.preimage ?? null;
  };
  const payments = [payAll(held.paymentRequest), payAll(generated.paymentRequest)];
  await waitUntil(
    () => events.filter((e) => e.name === 'invoice.accepted').length >= 2,
    10_000,
    'both hold invoices accepted',
  );
  // A wrong preimage is refused without echoing it.
  const wrong = randomBytes(32).toString('hex');
  secrets.set('wrong preimage', wrong);
  await capture(lightning.invoices.settleHold(held.id, wrong));
  expect(errors.at(-1)).toMatchObject({ code: 'INVALID_INPUT' });
  await lightning.invoices.settleHold(held.id, hostPreimage);
  await lightning.invoices.settleHold(generated.id);
  const [paidHost, paidGenerated] = await Promise.all(payments);
  expect(paidHost).toBe(hostPreimage);
  expect(paidGenerated).toMatch(/^[0-9a-f]{64}$/);
  secrets.set('lnkit HODL preimage', paidGenerated!);

  // 5. An outgoing payment to dave: its preimage is the proof of payment, kept only in the store.
  const dave = client('dave');
  const daveInvoice = await dave.addInvoice({ valueMsat: 5_000_000n, memo: 'from alice' });
  const sent = await lightning.payments.pay({ request: daveInvoice.paymentRequest, maxFeeSat: 100n });
  expect(sent.status).toBe('succeeded');
  const outgoing = (await dave.lookupInvoice(daveInvoice.paymentHash)).preimage!;
  expect(sha256(outgoing)).toBe(daveInvoice.paymentHash);
  secrets.set('outgoing preimage', outgoing);
  // An incoming payment too, so payment.received goes out as a webhook.
  const plain = await lightning.invoices.create({ amountSat: 1000, description: 'plain' });
  await payAll(plain.paymentRequest);
  await waitUntil(
    () =>
      events.some(
        (e) =>
          e.name === 'payment.received' && (e.payload as LightningEvents['payment.received']).invoice?.id === plain.id,
      ),
    10_000,
    'payment.received',
  );

  // Let the webhook dispatcher fail a few attempts, then stop.
  await waitUntil(
    async () => (await lightning.metrics.snapshot()).counters.webhook_delivery_attempts >= 6,
    10_000,
    'failed webhook attempts',
  );
  expect(seenByHooks.length).toBeGreaterThan(0);
  await lightning.stop();

  // Collect everything.
  const reader = new Database(db, { readonly: true });
  const bodies = (reader.prepare('SELECT body FROM webhook_events').all() as { body: string }[]).map((r) => r.body);
  const attempts = reader.prepare('SELECT * FROM webhook_attempts').all();
  // Control: the proof of payment is kept where the host can read it, so the search below looks for the right text.
  const stored = reader.prepare("SELECT preimage FROM payments WHERE direction = 'out'").all() as {
    preimage: string | null;
  }[];
  reader.close();
  expect(stored.map((r) => r.preimage)).toEqual([outgoing]);
  expect(bodies.length).toBeGreaterThanOrEqual(8);
  expect(attempts.length).toBeGreaterThanOrEqual(6);
  expect(new Set(events.map((e) => e.name))).toEqual(
    new Set([
      'invoice.created',
      'invoice.accepted',
      'invoice.settled',
      'payment.received',
      'payment.sent',
      'lnd.connected',
      'lnd.disconnected',
    ]),
  );
  expect(errors.length).toBeGreaterThanOrEqual(4);
  const outputs: { where: string; text: string }[] = [
    ...logger.lines.map((text, i) => ({ where: `log line ${i}`, text })),
    ...events.map((e, i) => ({ where: `event ${i} ${e.name}`, text: inspect(e.payload, { depth: 10 }) })),
    ...bodies.map((text, i) => ({ where: `webhook body ${i}`, text })),
    ...attempts.map((a, i) => ({ where: `webhook attempt ${i}`, text: JSON.stringify(a) })),
    ...errors.map((e, i) => ({ where: `error ${i}`, text: inspect(e, { depth: 10 }) })),
  ];
  for (const [name, secret] of secrets) registerSecret(name, secret);
  const leaks = findLeaks(secrets, outputs);
  console.log(
    `redaction: ${secrets.size} secrets × ${outputs.length} outputs (${logger.lines.length} log lines, ${events.length} events, ` +
      `${bodies.length} webhook bodies, ${attempts.length} attempts, ${errors.length} errors) → ${leaks.length} leaks`,
  );
  expect(leaks).toEqual([]);
}, 60_000);
