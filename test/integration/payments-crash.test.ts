/**
 * Crash in flight, through the real path: a child lnkit process (alice, gRPC/TLS to the simulator,
 * SQLite file) pays dave's hold invoice through carol; once dave holds the HTLC (ACCEPTED), the
 * child is SIGKILLed. A new child on the same file re-tracks the payment (TrackPaymentV2, never a
 * second SendPaymentV2); dave settles; the new process reports it succeeded: exactly one succeeded
 * row. Every log line, event and webhook body of both processes is searched for the preimage and
 * the macaroons.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { waitUntil } from '../helpers/wait.js';
import { startBodyCollector, type BodyCollector } from '../helpers/body-collector.js';
import { spawnTsx, type TsxChild } from '../helpers/child-process.js';

const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
let sim: LndSimulator;
let dir: string;
let receiver: BodyCollector;
let hookUrl: string;
let dave: LndClient;
const children: ChildProcess[] = [];
let deliveredBodies: readonly string[] = [];

beforeAll(async () => {
  sim = await startLndSimulator();
  dir = mkdtempSync(join(tmpdir(), 'lnkit-pay-crash-'));
  receiver = await startBodyCollector();
  deliveredBodies = receiver.bodies;
  hookUrl = receiver.url;
  const node = sim.node('dave');
  dave = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
  });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await dave?.close();
  await sim?.stop();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

function spawnLnkit(db: string, payRequest?: string): TsxChild {
  const alice = sim.node('alice');
  const child = spawnTsx(join(import.meta.dirname, 'payments-crash-child.ts'), {
    LIGHTNING_DB: db,
    LIGHTNING_HOST: alice.socket,
    LIGHTNING_CERT_PATH: alice.cert,
    LIGHTNING_MACAROON_PATH: alice.macaroons.admin,
    LNKIT_WEBHOOK_URL: hookUrl,
    LNKIT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...(payRequest ? { LNKIT_PAY_REQUEST: payRequest } : {}),
  });
  children.push(child.process);
  return child;
}

const calls = (method: string): number =>
  sim
    .node('alice')
    .callLog()
    .filter((c) => c.method === method).length;

function readPayments(
  db: string,
): { status: string; payment_hash: string; fee_msat: unknown; amount_msat: unknown; preimage: string | null }[] {
  const reader = new Database(db, { readonly: true });
  try {
    return reader
      .prepare("SELECT status, payment_hash, fee_msat, amount_msat, preimage FROM payments WHERE direction = 'out'")
      .all() as never;
  } finally {
    reader.close();
  }
}

it('SIGKILL while dave holds the HTLC → the next process re-tracks it, dave settles, exactly one succeeded row', async () => {
  const db = join(dir, 'lnkit.db');
  const preimage = randomBytes(32).toString('hex');
  const paymentHash = createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex');
  const amountMsat = 100_000_000n;
  const hold = await dave.addHoldInvoice({ paymentHash, valueMsat: amountMsat, memo: 'held by dave' });

  // dave watches his invoice; ACCEPTED means the HTLC reached him and he holds it.
  const controller = new AbortController();
  const daveStates: string[] = [];
  const watching = (async () => {
    for await (const invoice of dave.subscribeSingleInvoice({ paymentHash, signal: controller.signal })) {
      daveStates.push(invoice.state);
      if (invoice.state === 'SETTLED') return;
    }
  })().catch(() => undefined);

  // 1. The first process pays; it is killed while the payment is in flight.
  const first = spawnLnkit(db, hold.paymentRequest);
  await first.waitForLine((l) => l === 'READY', 'the first child to start', 15_000);
  await waitUntil(() => daveStates.includes('ACCEPTED'), 15_000, 'dave to hold the HTLC');
  first.process.kill('SIGKILL');
  await first.exited;
  expect(first.lines.some((l) => l.startsWith('PAID'))).toBe(false);
  expect(calls('SendPaymentV2')).toBe(1);
  expect(readPayments(db).map((p) => [p.payment_hash, p.status])).toEqual([[paymentHash, 'in_flight']]);
  const carolDave = sim.network.channels().find((c) => [c.a, c.b].sort().join() === 'carol,dave')!;
  expect(carolDave.pendingOutgoingMsat('carol')).toBe(amountMsat);

  // 2. A new process on the same file tracks the payment; it stays in flight while dave holds it.
  const tracksBefore = calls('TrackPaymentV2');
  const second = spawnLnkit(db);
  await second.waitForLine((l) => l === 'READY', 'the second child to start', 15_000);
  await waitUntil(() => calls('TrackPaymentV2') > tracksBefore, 10_000, 'the second process to track the payment');
  expect(readPayments(db).map((p) => p.status)).toEqual(['in_flight']);

  // 3. dave settles → the new process reports the payment succeeded, once.
  await dave.settleInvoice(preimage);
  const sent = await second.waitForLine(
    (l) => l.startsWith('EVENT payment.sent '),
    'payment.sent from the second process',
    15_000,
  );
  await watching;
  controller.abort();
  expect(JSON.parse(sent.slice('EVENT payment.sent '.length))).toMatchObject({
    payment: { paymentHash, status: 'succeeded', preimage: null },
  });
  await waitUntil(
    () => deliveredBodies.some((b) => b.includes('payment.sent') && b.includes(paymentHash)),
    10_000,
    'the payment.sent webhook',
  );
  second.process.kill('SIGTERM');
  expect(await second.exited).toBe(0);

  const policy = carolDave.policy('carol');
  const expectedFee = policy.baseMsat + (amountMsat * policy.feeRatePpm) / 1_000_000n;
  const rows = readPayments(db);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ payment_hash: paymentHash, status: 'succeeded', preimage });
  expect(BigInt(rows[0]!.fee_msat as number)).toBe(expectedFee);
  expect(BigInt(rows[0]!.amount_msat as number)).toBe(amountMsat);
  expect(calls('SendPaymentV2')).toBe(1);
  expect(calls('TrackPaymentV2')).toBeGreaterThanOrEqual(1);
  const events = [...first.lines, ...second.lines].filter((l) => l.startsWith('EVENT payment.'));
  expect(events.filter((l) => l.startsWith('EVENT payment.sent '))).toHaveLength(1);
  expect(events.filter((l) => l.startsWith('EVENT payment.failed '))).toHaveLength(0);

  // 4. Neither process put the preimage or a macaroon in a log line, an event or a webhook body.
  const reader = new Database(db, { readonly: true });
  const outboxBodies = (reader.prepare('SELECT body FROM webhook_events').all() as { body: string }[]).map(
    (r) => r.body,
  );
  reader.close();
  const outputs = [...first.lines, ...second.lines].filter((l) => l.startsWith('LOG ') || l.startsWith('EVENT '));
  expect(outputs.some((l) => l.startsWith('LOG ') && l.includes(paymentHash))).toBe(true);
  expect(outboxBodies.some((b) => b.includes('payment.sent') && b.includes(paymentHash))).toBe(true);
  const macaroons = sim.nodes().flatMap((n) => Object.values(n.macaroons));
  const secrets = [
    preimage,
    ...macaroons,
    ...macaroons.map((m) => Buffer.from(m, 'hex').toString('base64')),
    WEBHOOK_SECRET,
  ];
  const texts = [...outputs, ...outboxBodies, ...deliveredBodies];
  const leaks = texts.flatMap((text) =>
    secrets
      .filter((s) => text.toLowerCase().includes(s.toLowerCase()))
      .map((s) => `${s.slice(0, 8)}… in ${text.slice(0, 80)}`),
  );
  expect(leaks).toEqual([]);
}, 40_000);
