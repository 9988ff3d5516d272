/**
 * The `lnkit` CLI on PostgreSQL: `--db postgres://…` and LIGHTNING_DB open the PostgreSQL store
 * (real processes against the LND simulator over gRPC/TLS, a real server, a fresh schema).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { postgresForTests } from '../helpers/postgres.js';
import { CLI_ARGS } from '../helpers/cli-entry.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const server = await postgresForTests('cli');
let sim: LndSimulator;
let dir: string;
let env: NodeJS.ProcessEnv;

function lnkit(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, reject) => {
    const child = spawn(process.execPath, [...CLI_ARGS, ...args], {
      cwd: ROOT,
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  if (server.skip) return;
  sim = await startLndSimulator();
  dir = mkdtempSync(join(tmpdir(), 'lnkit-cli-pg-'));
  const creds = await sim.writeCredentials(dir);
  const clean = { ...process.env };
  delete clean.LNDCONNECT;
  delete clean.LIGHTNING_DB;
  env = {
    ...clean,
    LIGHTNING_HOST: sim.node('alice').socket,
    LIGHTNING_CERT_PATH: creds.alice!.tlsCert,
    LIGHTNING_MACAROON_PATH: creds.alice!.adminMacaroon,
    LIGHTNING_FIXED_RATE: '90000',
  };
});

afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await server.cleanup();
});

describe.skipIf(server.skip)('lnkit CLI with --db postgres://', () => {
  it('invoice create with --db writes to PostgreSQL; invoice list with LIGHTNING_DB reads it back', async () => {
    const schema = server.newSchema();
    const db = `${server.url}${server.url.includes('?') ? '&' : '?'}schema=${schema}`;
    const created = await lnkit(['invoice', 'create', '2.50', 'postgres cli', '--json', '--db', db]);
    expect(created.code, created.stderr).toBe(0);
    const invoice = JSON.parse(created.stdout) as { id: string };
    const rows = await server.query<{ id: string; amount_eur: string }>(
      `SELECT id, amount_eur::text FROM "${schema}".invoices`,
    );
    expect(rows).toEqual([{ id: invoice.id, amount_eur: '2.5' }]);
    const listed = await lnkit(['invoice', 'list', '--json'], { LIGHTNING_DB: db });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(invoice.id);
  });
});
