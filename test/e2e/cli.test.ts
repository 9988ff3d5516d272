/**
 * The `lnkit` CLI end to end against the LND simulator over gRPC/TLS, with a SQLite file. One
 * simulator for every case. Most commands run in this process through `runCli` (the same program
 * `main.ts` runs, with captured output); a few run as real processes
 * (`node dist/cli.js …`, or the source under tsx: test/helpers/cli-entry.ts) to prove the executable itself: its exit codes, its
 * output streams and its SIGINT handling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator, type NodeCredentialPaths } from '../../src/testing/simulator/index.js';
import { createWebhookService } from '../../src/webhooks/outbox/webhook-service.js';
import { CLI_ARGS } from '../helpers/cli-entry.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RUN_TIMEOUT_MS = 45_000;
const LND_VARS = [
  'LNDCONNECT',
  'LIGHTNING_HOST',
  'LIGHTNING_CERT_PATH',
  'LIGHTNING_MACAROON_PATH',
  'LIGHTNING_DB',
  'LIGHTNING_FIXED_RATE',
  'LND_SOCKET',
  'LND_CERT_PATH',
  'LND_MACAROON_PATH',
  'LNKIT_DB',
];

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let sim: LndSimulator;
let dir: string;
let creds: Record<string, NodeCredentialPaths>;
let env: NodeJS.ProcessEnv;
let bob: LndClient;

function baseEnv(): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const name of LND_VARS) delete clean[name];
  return clean;
}

function start(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [...CLI_ARGS, ...args], {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a process's output until it exits; kills it (and fails) after RUN_TIMEOUT_MS. */
function finish(child: ChildProcess, onStdout?: (text: string) => void): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lnkit did not exit within ${RUN_TIMEOUT_MS} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

/** Runs `lnkit` as a real process. */
const lnkitProcess = (args: readonly string[], extraEnv?: NodeJS.ProcessEnv): Promise<RunResult> =>
  finish(start(args, extraEnv));

/** Runs `lnkit` in this process (`runCli`, as main.ts does); `onStdout` sees stdout as it grows. */
async function lnkit(
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv = {},
  onStdout?: (text: string) => void,
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: {
      write: (text: string) => {
        stdout += text;
        onStdout?.(stdout);
      },
    },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...env, ...extraEnv },
  });
  return { code, stdout, stderr };
}

function json<T = Record<string, unknown>>(result: RunResult): T {
  expect(result.stderr, 'stderr').toBe('');
  expect(result.code, `exit code; stderr: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

async function payFromBob(paymentRequest: string): Promise<string> {
  let status = '';
  for await (const update of bob.sendPayment({ paymentRequest, feeLimitMsat: 100_000n })) status = update.status;
  return status;
}

beforeAll(async () => {
  sim = await startLndSimulator();
  dir = mkdtempSync(join(tmpdir(), 'lnkit-cli-'));
  creds = await sim.writeCredentials(dir);
  env = {
    ...baseEnv(),
    LIGHTNING_HOST: sim.node('alice').socket,
    LIGHTNING_CERT_PATH: creds.alice!.tlsCert,
    LIGHTNING_MACAROON_PATH: creds.alice!.adminMacaroon,
    LIGHTNING_DB: join(dir, 'lnkit.db'),
    LIGHTNING_FIXED_RATE: '90000',
  };
  const b = sim.node('bob');
  bob = createLndClient({ socket: b.socket, cert: b.cert, macaroon: b.macaroons.admin });
});

afterAll(async () => {
  await bob?.close();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('lnkit CLI against lnkit sim', () => {
  it('status shows the simulator alias and channels, as a table (a real process) and as JSON', async () => {
    const [human, asJson] = await Promise.all([lnkitProcess(['status']), lnkit(['status', '--json'])]);
    expect(human.stderr).toBe('');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Alias\s+alice \(merchant\)$/m);
    expect(human.stdout).toMatch(/^Channels\s+1 active \/ 1 total$/m);
    expect(human.stdout).toMatch(/^Capacity\s+5,000,000 sat$/m);
    const report = json<{
      alias: string;
      pubkey: string;
      network: string;
      channels: { total: number };
      capacitySat: string;
    }>(asJson);
    expect(report).toMatchObject({
      alias: 'alice (merchant)',
      pubkey: sim.node('alice').pubkey,
      network: 'regtest',
      channels: { active: 1, total: 1 },
      capacitySat: '5000000',
    });
  });

  it('invoice create 5 "test" --wait exits 0 once bob pays', async () => {
    let paying: Promise<string> | null = null;
    const result = await lnkit(['invoice', 'create', '5', 'test', '--wait'], {}, (stdout) => {
      const request = /^(lnbcrt[0-9a-z]+)$/m.exec(stdout)?.[1];
      if (request && !paying) paying = payFromBob(request).catch((error: unknown) => `payment error: ${String(error)}`);
    });
    expect(result.code, result.stderr).toBe(0);
    expect(paying).not.toBeNull();
    expect(await paying).toBe('SUCCEEDED');
    expect(result.stdout).toMatch(/^Amount\s+5\.00 EUR = 5,556 sat$/m);
    expect(result.stdout).toContain('▄'); // the QR code
    expect(result.stdout).toMatch(/^Paid: 5,556 sat for inv_[0-9a-z]{26} at /m);
  });

  it('invoice create --wait exits 1 with "expired" when nobody pays', async () => {
    const result = await lnkit(['invoice', 'create', '1', 'never paid', '--wait', '--expiry-hours', '0.0005']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^lnkit: invoice inv_[0-9a-z]{26} expired unpaid at .+\n$/);
  });

  it('every command prints parseable JSON with --json', async () => {
    // An endpoint so that the invoice below leaves a delivery in the outbox.
    const store = createSqliteStore({ filename: env.LIGHTNING_DB! });
    await store.migrate();
    const endpoint = await createWebhookService({ store }).addEndpoint({
      url: 'http://127.0.0.1:9/hook',
      allowInsecure: true,
      allowPrivateNetwork: true,
    });
    await store.close();

    const created = json<{ id: string; paymentHash: string; status: string; amountMsat: string; amountEur: string }>(
      await lnkit(['invoice', 'create', '2.50', 'json test', '--json']),
    );
    expect(created).toMatchObject({ status: 'open', amountMsat: '2778000', amountEur: '2.5' });

    // Two batches: several processes sharing one SQLite file is real, but a loaded 2-core box needs slack.
    const [list, show, byHash, channels] = await Promise.all([
      lnkit(['invoice', 'list', '--json', '--limit', '5']),
      lnkit(['invoice', 'show', created.id, '--json']),
      lnkit(['--json', 'invoice', 'show', created.paymentHash]),
      lnkit(['channels', '--json']),
    ]);
    const [health, endpoints, deliveries] = await Promise.all([
      lnkit(['health', '--json']),
      lnkit(['webhooks', 'endpoints', '--json']),
      lnkit(['webhooks', 'deliveries', '--json', '--endpoint', endpoint.id]),
    ]);
    expect(json<{ items: { id: string }[] }>(list).items.map((i) => i.id)).toContain(created.id);
    expect(json(show)).toMatchObject({ id: created.id });
    expect(json(byHash)).toMatchObject({ id: created.id });
    const [channel] =
      json<{ chanId: string; capacitySat: string; localBalanceSat: string; localRatio: number }[]>(channels);
    expect(channel).toMatchObject({ chanId: '877008154718978049', capacitySat: '5000000' });
    expect(channel!.localRatio).toBeCloseTo(Number(channel!.localBalanceSat) / 5_000_000, 5);
    // health: ok or degraded (exit 1) depending on timing; JSON either way, never a crash.
    const report = JSON.parse(health.stdout) as { status: string; checks: { name: string; healthy: boolean }[] };
    expect(report.checks.find((c) => c.name === 'lnd_connection')?.healthy, health.stdout).toBe(true);
    expect(health.code, health.stderr).toBe(report.status === 'ok' ? 0 : 1);
    const listed = json<{ id: string; url: string; secrets?: unknown }[]>(endpoints);
    expect(listed).toEqual([expect.objectContaining({ id: endpoint.id, url: 'http://127.0.0.1:9/hook' })]);
    expect(endpoints.stdout).not.toContain(endpoint.secret);
    const page = json<{ items: { id: string; eventType: string }[] }>(deliveries);
    const delivery = page.items.find((d) => d.eventType === 'invoice.created');
    expect(delivery, deliveries.stdout).toBeDefined();

    const [redelivered, cancelled] = await Promise.all([
      lnkit(['webhooks', 'redeliver', delivery!.id, '--json']),
      lnkit(['invoice', 'cancel', created.id, '--json']),
    ]);
    expect(json(redelivered)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(json(cancelled)).toMatchObject({ id: created.id, status: 'cancelled' });
  });

  it('invoice list and show read the local store without LND (no LND settings at all)', async () => {
    const noLnd = { LIGHTNING_HOST: '', LIGHTNING_CERT_PATH: '', LIGHTNING_MACAROON_PATH: '' };
    const before = sim.node('alice').callLog().length;
    const list = json<{ items: { id: string; paymentHash: string }[] }>(
      await lnkit(['invoice', 'list', '--json'], noLnd),
    );
    expect(list.items.length).toBeGreaterThan(0);
    const [first] = list.items;
    expect(json(await lnkit(['invoice', 'show', first!.id, '--json'], noLnd))).toMatchObject({ id: first!.id });
    const human = await lnkit(['invoice', 'show', first!.paymentHash], noLnd);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^ID\\s+${first!.id}$`, 'm'));
    const missing = await lnkit(['invoice', 'show', 'f'.repeat(64)], noLnd);
    expect(missing.code).toBe(5);
    expect(sim.node('alice').callLog().length).toBe(before);
  });

  it('sim prints export lines on stable ports (--port-base), and says when SIGINT stops it', async () => {
    const simDir = join(dir, 'sim');
    const portBase = 20_000 + Math.floor(Math.random() * 40_000);
    const child = start(['sim', '--dir', simDir, '--port-base', String(portBase)]);
    let interrupted = false;
    const result = await finish(child, (stdout) => {
      if (!interrupted && stdout.includes('Press Ctrl+C to stop.')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('lndconnect://'); // no 1,000-character URI with the admin macaroon
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^lnkit sim: stopped/);
    const exports = [...result.stdout.matchAll(/^export (LIGHTNING_[A-Z_]+)=(.+)$/gm)].map(([, k, v]) => [k, v]);
    expect(exports).toHaveLength(12);
    expect(exports.filter(([k]) => k === 'LIGHTNING_HOST').map(([, v]) => v)).toEqual(
      [0, 1, 2, 3].map((i) => `127.0.0.1:${portBase + i}`),
    );
    const alice = Object.fromEntries(exports.slice(0, 3)) as Record<string, string>;
    expect(alice).toEqual({
      LIGHTNING_HOST: `127.0.0.1:${portBase}`,
      LIGHTNING_CERT_PATH: join(simDir, 'alice', 'tls.cert'),
      LIGHTNING_MACAROON_PATH: join(simDir, 'alice', 'admin.macaroon'),
    });
    expect(readFileSync(alice.LIGHTNING_CERT_PATH!, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('exits 2 with usage on a bad flag, 5 for an unknown invoice, 4 for a foreign macaroon or TLS certificate', async () => {
    const bobMacaroon = sim.node('bob').macaroons.admin;
    // The bad flag and the foreign macaroon as real processes: the exit status the shell sees.
    const [badFlag, badValue, noConnection, notFound, auth, tls] = await Promise.all([
      lnkitProcess(['status', '--bogus']),
      lnkit(['invoice', 'create', '5', 'x', '--expiry-hours', 'soon']),
      lnkit(['status'], { LIGHTNING_HOST: '', LIGHTNING_CERT_PATH: '', LIGHTNING_MACAROON_PATH: '' }),
      lnkit(['invoice', 'show', '0'.repeat(64)]),
      lnkitProcess(['status', '--macaroon', bobMacaroon]),
      lnkit(['status', '--cert', creds.bob!.tlsCert]),
    ]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("error: unknown option '--bogus'");
    expect(badFlag.stderr).toContain('Usage: lnkit status [options]');
    expect(badFlag.stdout).toBe('');
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('expected a positive number of hours, got "soon"');
    expect(noConnection.code).toBe(2);
    expect(noConnection.stderr).toMatch(/^lnkit: .*expected an LND node, got none: pass --lndconnect/);
    expect(notFound.code).toBe(5);
    expect(notFound.stderr).toMatch(/^lnkit: no invoice with payment hash 0{64}\n$/);
    expect(auth.code, auth.stderr).toBe(4);
    expect(auth.stderr).toMatch(
      new RegExp(
        `^lnkit: LND refused the credentials at ${sim.node('alice').socket.replace(/\./g, '\\.')}: [^\\n]+\\n$`,
      ),
    );
    expect(auth.stderr).not.toContain(bobMacaroon);
    expect(tls.code, tls.stderr).toBe(4);
    expect(tls.stderr).toMatch(/^lnkit: TLS certificate does not match the node at 127\.0\.0\.1:\d+ [^\n]+\n$/);
  });

  it('pay sends once through carol to dave and prints the payment', async () => {
    const d = sim.node('dave');
    const dave = createLndClient({ socket: d.socket, cert: d.cert, macaroon: d.macaroons.admin });
    try {
      const { paymentRequest, paymentHash } = await dave.addInvoice({ valueMsat: 10_000_000n, memo: 'cli pay' });
      const payment = json<{
        status: string;
        paymentHash: string;
        amountMsat: string;
        feeMsat: string;
        direction: string;
      }>(await lnkit(['pay', paymentRequest, '--max-fee-sat', '100', '--json']));
      expect(payment).toMatchObject({ status: 'succeeded', direction: 'out', paymentHash, amountMsat: '10000000' });
      expect(BigInt(payment.feeMsat)).toBeGreaterThan(0n);
      expect((await dave.lookupInvoice(paymentHash)).state).toBe('SETTLED');

      // Again: it says so and sends nothing (no SendPaymentV2 reaches alice's node).
      const sends = (): number =>
        sim
          .node('alice')
          .callLog()
          .filter((c) => c.method === 'SendPaymentV2').length;
      const sent = sends();
      const again = await lnkit(['pay', paymentRequest, '--max-fee-sat', '100']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/^Already paid at \d{4}-\d\d-\d\d [\d:]+Z: nothing was sent this time\.$/m);
      expect(again.stdout).toContain(payment.paymentHash);
      const againJson = json<{ alreadyPaid: boolean; status: string }>(await lnkit(['pay', paymentRequest, '--json']));
      expect(againJson).toMatchObject({ alreadyPaid: true, status: 'succeeded' });
      expect(sends()).toBe(sent);
    } finally {
      await dave.close();
    }
  });

  it('a stopped node → exit 3 with a one-line reason', async () => {
    const dave = sim.node('dave');
    await dave.faults.stop();
    try {
      const daveEnv = {
        LIGHTNING_HOST: dave.socket,
        LIGHTNING_CERT_PATH: creds.dave!.tlsCert,
        LIGHTNING_MACAROON_PATH: creds.dave!.adminMacaroon,
      };
      const [result, health] = await Promise.all([
        lnkit(['status'], daveEnv),
        lnkit(['health', '--json'], { ...daveEnv, LIGHTNING_DB: join(dir, 'dave.db') }),
      ]);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        new RegExp(`^lnkit: LND unreachable at ${dave.socket.replace(/\./g, '\\.')}: [^\\n]+\\n$`),
      );
      expect(result.stderr).not.toContain('    at '); // no stack trace
      // health still reports every check, then exits 3.
      expect(health.code, health.stderr).toBe(3);
      const report = JSON.parse(health.stdout) as { status: string; checks: { name: string; healthy: boolean }[] };
      expect(report.status).toBe('down');
      expect(report.checks.find((c) => c.name === 'lnd_connection')?.healthy).toBe(false);
      expect(report.checks.find((c) => c.name === 'store')?.healthy).toBe(true);
      expect(health.stderr).toMatch(
        /^lnkit: LND unreachable at 127\.0\.0\.1:\d+: down: lnd_connection, .*unhealthy\n$/,
      );
    } finally {
      await dave.faults.start();
    }
  });
  it("invoice list with bob's credentials on alice's database: exit 2 (usage), names both nodes, changes nothing", async () => {
    const db = join(dir, 'alice-only.db');
    json(await lnkit(['invoice', 'create', '1', 'alice owns this db', '--json'], { LIGHTNING_DB: db }));
    const result = await lnkit(['invoice', 'list', '--json'], {
      LIGHTNING_DB: db,
      LIGHTNING_HOST: sim.node('bob').socket,
      LIGHTNING_CERT_PATH: creds.bob!.tlsCert,
      LIGHTNING_MACAROON_PATH: creds.bob!.adminMacaroon,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    const short = (pubkey: string) => `${pubkey.slice(0, 6)}…${pubkey.slice(-4)}`;
    expect(result.stderr).toContain(short(sim.node('alice').pubkey));
    expect(result.stderr).toContain(short(sim.node('bob').pubkey));
    const mine = json<{ items: unknown[] }>(await lnkit(['invoice', 'list', '--json'], { LIGHTNING_DB: db }));
    expect(mine.items).toHaveLength(1);
  });
});
