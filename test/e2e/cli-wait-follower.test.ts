/**
 * Issue #10: `lnkit invoice create --wait` while the app runs as the store's leader. The CLI process
 * follows (the app holds the lease, so the CLI runs no settlement stream) and hears the payment
 * through the store's event log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { payFromBob, readDb, spawnStandby, type StandbyProcess } from '../helpers/leader-cluster.js';
import { CLI_ARGS } from '../helpers/cli-entry.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let sim: LndSimulator;
let dir: string;
let bob: LndClient;
let app: StandbyProcess | undefined;

beforeAll(async () => {
  sim = await startLndSimulator();
  dir = mkdtempSync(join(tmpdir(), 'lnkit-cli-follow-'));
  const b = sim.node('bob');
  bob = createLndClient({ socket: b.socket, cert: b.cert, macaroon: b.macaroons.admin });
});

afterAll(async () => {
  if (app?.child.process.exitCode === null) app.child.process.kill('SIGKILL');
  await bob?.close();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('invoice create --wait in a follower CLI exits 0 once bob pays, heard through the event log', async () => {
  const db = join(dir, 'lnkit.db');
  app = await spawnStandby(sim, dir, db, 'app');
  const leader = await app.activate();
  expect(leader.startedAsLeader).toBe(true);
  const creds = await sim.writeCredentials(dir);
  const cli = spawn(process.execPath, [...CLI_ARGS, 'invoice', 'create', '5', 'follower wait', '--wait'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LNDCONNECT: '',
      LIGHTNING_HOST: sim.node('alice').socket,
      LIGHTNING_CERT_PATH: creds.alice!.tlsCert,
      LIGHTNING_MACAROON_PATH: creds.alice!.adminMacaroon,
      LIGHTNING_DB: db,
      LIGHTNING_FIXED_RATE: '90000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let paying: Promise<string> | null = null;
  cli.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  cli.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
    const request = /^(lnbcrt[0-9a-z]+)$/m.exec(stdout)?.[1];
    if (request && !paying) paying = payFromBob(bob, request);
  });
  const code = await new Promise<number | null>((resolveExit) => {
    const timer = setTimeout(() => cli.kill('SIGKILL'), 120_000);
    cli.on('exit', (c) => {
      clearTimeout(timer);
      resolveExit(c);
    });
  });
  expect(code, stderr).toBe(0);
  expect(await paying).toBe('SUCCEEDED');
  expect(stdout).toMatch(/^Paid: 5,556 sat for inv_[0-9a-z]{26} at /m);
  // The app led throughout: the CLI never took the lease.
  expect(readDb(db).leaseHolderPid()).toBe(leader.pid);
  app.child.process.kill('SIGTERM');
  expect(await app.child.exited).toBe(0);
}, 240_000);
