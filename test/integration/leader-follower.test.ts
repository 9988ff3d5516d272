/**
 * Issue #10, situation 4 and the follower acceptance: several processes on one SQLite file (child
 * processes over gRPC/TLS to the simulator). One leads, the other follows; a process told to lead
 * while another does is refused with STORE_LOCKED; an invoice created by the follower settles and
 * the follower's listener hears it within 1 s; the follower's pay() resolves a final status, also
 * when both processes pay the same request; N payments → N settled rows, each payment.received heard
 * once by each process's listener, one webhook per payment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import {
  hearingReport,
  inParallel,
  payFromBob,
  readDb,
  spawnStandby,
  startWebhookReceiver,
  type LnkitProcess,
  type StandbyProcess,
  type WebhookReceiver,
} from '../helpers/leader-cluster.js';
import { waitUntil } from '../helpers/wait.js';

const COUNT = Number(process.env.LNKIT_SITUATION4_COUNT ?? 100);
let sim: LndSimulator;
let dir: string;
let receiver: WebhookReceiver;
let bob: LndClient;
const processes: LnkitProcess[] = [];
const standbyChildren: StandbyProcess[] = [];

beforeAll(async () => {
  sim = await startLndSimulator();
  dir = mkdtempSync(join(tmpdir(), 'lnkit-leader-'));
  receiver = await startWebhookReceiver();
  const node = sim.node('bob');
  bob = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
  });
});

afterAll(async () => {
  for (const p of [...processes, ...standbyChildren])
    if (p.child.process.exitCode === null) p.child.process.kill('SIGKILL');
  await bob?.close();
  await receiver?.close();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it(`two processes on one SQLite file: one leader, a refused 'leader', follower create/pay heard, ${COUNT} payments once each`, async () => {
  const started = performance.now();
  const step = (what: string) =>
    process.env.LNKIT_DEBUG && console.log(`${((performance.now() - started) / 1000).toFixed(1)} s: ${what}`);
  const db = join(dir, 'lnkit.db');
  const view = readDb(db);
  const webhook = { url: receiver.url, secret: receiver.secret };
  const standbys = await Promise.all([
    spawnStandby(sim, dir, db, 'leader', { webhook }),
    spawnStandby(sim, dir, db, 'follower', { webhook }),
  ]);
  standbyChildren.push(...standbys);
  const leader = await standbys[0].activate();
  processes.push(leader);
  const follower = await standbys[1].activate();
  processes.push(follower);
  expect(leader.startedAsLeader).toBe(true);
  expect(follower.startedAsLeader).toBe(false);
  step('started');
  expect(view.leaseHolderPid()).toBe(leader.pid);

  // A process that must lead cannot while the leader lives: STORE_LOCKED naming the holder, nothing started.
  const aliceNode = sim.node('alice');
  const aliceLnd = createLndClient({
    socket: aliceNode.socket,
    cert: aliceNode.cert,
    macaroon: aliceNode.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  const mustLead = createLightning({
    lnd: aliceLnd,
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: db }),
    role: 'leader',
  });
  const refusal = await mustLead.start().then(
    () => undefined,
    (error: unknown) => error as { code: string; message: string; holder: { pid: number } },
  );
  expect(refusal?.code).toBe('STORE_LOCKED');
  expect(refusal?.message).toContain(`pid ${leader.pid}`);
  expect(refusal?.holder.pid).toBe(leader.pid);
  expect(mustLead.isLeader).toBe(false);
  await expect(mustLead.invoices.list()).rejects.toMatchObject({ code: 'NOT_STARTED' });
  await mustLead.stop();
  await aliceLnd.close();
  expect(view.leaseHolderPid()).toBe(leader.pid);

  step('refused');
  // An invoice created by the follower settles (the leader's stream records it) and the follower hears it.
  const own = await follower.command<{ id: string; paymentRequest: string; paymentHash: string }>('/create', {
    amountSat: 1500,
    description: 'made by the follower',
  });
  expect(await payFromBob(bob, own.paymentRequest)).toBe('SUCCEEDED');
  const paidAt = performance.now();
  await waitUntil(() => follower.heard().includes(own.paymentHash), 10_000, 'the follower to hear its invoice paid');
  const followerHeardMs = performance.now() - paidAt;
  await waitUntil(() => leader.heard().includes(own.paymentHash), 10_000, 'the leader to hear it');

  step('follower heard');
  // The follower's pay() resolves a final status, alone and when both processes pay one request at once.
  const bobInvoice = async (memo: string) => (await bob.addInvoice({ valueMsat: 2_000_000n, memo })).paymentRequest;
  const alone = await follower.command<{ status: string }>('/pay', { request: await bobInvoice('alone') });
  expect(alone.status).toBe('succeeded');
  const shared = await bobInvoice('both');
  const both = await Promise.all([
    leader.command<{ status: string; id: string }>('/pay', { request: shared }),
    follower.command<{ status: string; id: string }>('/pay', { request: shared }),
  ]);
  expect(both.map((p) => p.status)).toEqual(['succeeded', 'succeeded']);
  expect(both[0].id).toBe(both[1].id);

  step('paid');
  // COUNT invoices, half created by each process, paid by bob.
  const requests: string[] = [];
  await inParallel(
    Array.from({ length: COUNT }, (_, i) => i),
    8,
    async (i) => {
      const maker = i % 2 === 0 ? leader : follower;
      requests.push(
        (await maker.command<{ paymentRequest: string }>('/create', { amountSat: 1000, description: `s4 ${i}` }))
          .paymentRequest,
      );
    },
  );
  step('created');
  await inParallel(requests, 8, async (request) => expect(await payFromBob(bob, request)).toBe('SUCCEEDED'));
  step('bob paid');
  const total = COUNT + 1;
  await waitUntil(() => view.settledIncoming() >= total, 60_000, `${total} settled rows`);
  const received = () => receiver.deliveries.filter((d) => d.type === 'payment.received');
  await waitUntil(() => new Set(received().map((d) => d.id)).size >= total, 60_000, `${total} webhooks`);
  const logged = view.receivedEvents();
  await waitUntil(
    () => leader.heard().length >= total && follower.heard().length >= total,
    10_000,
    'both listeners to hear every payment',
  );
  await new Promise((resolve) => setTimeout(resolve, 500)); // anything more would be a duplicate

  const reports = { leader: hearingReport(leader, logged), follower: hearingReport(follower, logged) };
  const ids = received().map((d) => d.id);
  const hashes = new Set(received().map((d) => d.paymentHash));
  console.log(
    `situation 4: ${total} payments → ${view.settledIncoming()} settled rows; ${ids.length} payment.received webhooks, ` +
      `${new Set(ids).size} distinct ids, ${hashes.size} payments; listeners: leader ${JSON.stringify(reports.leader)}, ` +
      `follower ${JSON.stringify(reports.follower)}; follower heard its own invoice paid ${followerHeardMs.toFixed(0)} ms ` +
      `after bob's payment succeeded; ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  expect(view.settledIncoming()).toBe(total);
  expect(logged.length).toBe(total);
  for (const report of Object.values(reports)) {
    expect(report).toEqual({ heard: total, duplicates: 0, missed: 0, foreign: 0 });
  }
  expect(ids.length).toBe(total);
  expect(new Set(ids).size).toBe(total);
  expect(hashes.size).toBe(total);
  expect(receiver.rejected).toBe(0);
  expect(followerHeardMs).toBeLessThan(1000);

  leader.kill('SIGTERM');
  follower.kill('SIGTERM');
  expect(await leader.child.exited).toBe(0);
  expect(await follower.child.exited).toBe(0);
}, 300_000);
