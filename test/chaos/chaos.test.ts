/**
 * Issue #3 chaos acceptance: 1,000 invoices paid by bob through carol over real gRPC/TLS while the
 * simulator drops alice's invoice stream at random 20 times and the lnkit process is SIGKILLed and
 * restarted twice → exactly 1,000 settled rows and 1,000 payment.received events across the process
 * lifetimes, none twice. Prints the figures.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { spawnTsx, type TsxChild } from '../helpers/child-process.js';

const COUNT = Number(process.env.LNKIT_CHAOS_COUNT ?? 1000);
const DROPS = Number(process.env.LNKIT_CHAOS_DROPS ?? 20);
const KILLS = Number(process.env.LNKIT_CHAOS_KILLS ?? 2);
let sim: LndSimulator;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  sim = await startLndSimulator();
  dir = mkdtempSync(join(tmpdir(), 'lnkit-chaos-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function spawnLnkit(db: string, eventsFile: string): TsxChild {
  const alice = sim.node('alice');
  const child = spawnTsx(join(import.meta.dirname, 'lnkit-child.ts'), {
    LIGHTNING_DB: db,
    LNKIT_EVENTS_FILE: eventsFile,
    LIGHTNING_HOST: alice.socket,
    LIGHTNING_CERT_PATH: alice.cert,
    LIGHTNING_MACAROON_PATH: alice.macaroons.admin,
  });
  children.push(child.process);
  return child;
}

it(`chaos: ${COUNT} settlements, ${DROPS} stream drops, 2 SIGKILLs → each recorded and announced exactly once`, async () => {
  const started = performance.now();
  const db = join(dir, 'lnkit.db');
  const alice = sim.node('alice');
  const bob = sim.node('bob');

  // 1. alice's lnkit creates the invoices, then stops.
  const lnd = createLndClient({
    socket: alice.socket,
    cert: alice.cert,
    macaroon: alice.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  const creator = createLightning({
    lnd,
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: db }),
  });
  await creator.start();
  const requests: string[] = [];
  for (let i = 0; i < COUNT; i++)
    requests.push((await creator.invoices.create({ amountSat: 1000, description: `chaos ${i}` })).paymentRequest);
  await creator.stop();
  await lnd.close();

  // 2. The watcher process; bob pays everything; drops and kills along the way.
  const eventsFile = join(dir, 'events.txt');
  writeFileSync(eventsFile, '');
  const readEvents = (): string[] => readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean);
  let current = spawnLnkit(db, eventsFile);
  await current.waitForLine((line) => line === 'READY', 'the lnkit child to start');
  const bobLnd = createLndClient({
    socket: bob.socket,
    cert: bob.cert,
    macaroon: bob.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  const dropAt = new Set<number>();
  while (dropAt.size < DROPS) dropAt.add(1 + Math.floor(Math.random() * (COUNT - 2)));
  const killAt = new Set([Math.floor(COUNT * 0.3), Math.floor(COUNT * 0.65)].slice(0, KILLS));
  let paid = 0;
  let drops = 0;
  let kills = 0;
  let next = 0;
  const payOne = async (request: string): Promise<void> => {
    let last;
    for await (const update of bobLnd.sendPayment({
      paymentRequest: request,
      feeLimitMsat: 10_000n,
      timeoutSeconds: 30,
    }))
      last = update;
    expect(last?.status).toBe('SUCCEEDED');
    paid++;
    if (dropAt.has(paid)) {
      alice.faults.dropStreams();
      drops++;
    }
    if (killAt.has(paid)) {
      current.process.kill('SIGKILL');
      await current.exited;
      kills++;
      current = spawnLnkit(db, eventsFile);
    }
  };
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < requests.length) await payOne(requests[next++]!);
    }),
  );
  await bobLnd.close();

  // 3. Wait for the last process to record everything, then stop it gracefully.
  const reader = new Database(db, { readonly: true });
  const count = (): number =>
    (reader.prepare("SELECT count(*) AS n FROM payments WHERE direction = 'in'").get() as { n: number }).n;
  const deadline = Date.now() + 120_000;
  while ((count() < COUNT || new Set(readEvents()).size < COUNT) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  const settledRows = (
    reader.prepare("SELECT count(*) AS n FROM invoices WHERE status = 'settled'").get() as { n: number }
  ).n;
  const incoming = count();
  reader.close();
  current.process.kill('SIGTERM');
  await current.exited;

  const events = readEvents();
  const unique = new Set(events);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `chaos: ${COUNT} invoices paid over gRPC, ${drops} stream drops, ${kills} SIGKILLs → ${settledRows} settled rows, ${incoming} payment rows, ` +
      `${events.length} payment.received events (${unique.size} distinct, ${events.length - unique.size} duplicates) in ${seconds.toFixed(1)} s`,
  );
  expect(drops).toBe(DROPS);
  expect(kills).toBe(KILLS);
  expect(settledRows).toBe(COUNT);
  expect(incoming).toBe(COUNT);
  expect(events.length).toBe(COUNT);
  expect(unique.size).toBe(COUNT);
}, 300_000);
