/**
 * `lnkit liquidity` and `lnkit rebalance` end to end: real processes (the built CLI, or the source
 * under tsx: test/helpers/cli-entry.ts) against the simulator's `cycle` network over gRPC/TLS, with a SQLite file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { CLI_ARGS } from '../helpers/cli-entry.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RUN_TIMEOUT_MS = 45_000;

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let sim: LndSimulator;
let dir: string;
let env: NodeJS.ProcessEnv;

function lnkit(args: readonly string[]): Promise<RunResult> {
  const child = spawn(process.execPath, [...CLI_ARGS, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveRun, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lnkit did not exit within ${RUN_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  sim = await startLndSimulator({ preset: 'cycle' });
  dir = mkdtempSync(join(tmpdir(), 'lnkit-cli-liquidity-'));
  const creds = await sim.writeCredentials(dir);
  env = {
    ...process.env,
    LNDCONNECT: '',
    LIGHTNING_HOST: sim.node('alice').socket,
    LIGHTNING_CERT_PATH: creds.alice!.tlsCert,
    LIGHTNING_MACAROON_PATH: creds.alice!.adminMacaroon,
    LIGHTNING_DB: join(dir, 'lnkit.db'),
    LIGHTNING_FIXED_RATE: '90000',
  };
  delete env.LNDCONNECT;
});

afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const aliceCarol = () => sim.network.channels().find((c) => [c.a, c.b].sort().join() === 'alice,carol')!;
const daveAlice = () => sim.network.channels().find((c) => [c.a, c.b].sort().join() === 'alice,dave')!;

describe('lnkit liquidity and lnkit rebalance', () => {
  it('liquidity prints a bar per channel and the totals; --json gives the same numbers', async () => {
    const [human, asJson] = await Promise.all([lnkit(['liquidity']), lnkit(['liquidity', '--json'])]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`${aliceCarol().chanId}`);
    expect(human.stdout).toContain(`[${'█'.repeat(17)}${'░'.repeat(3)}]`); // alice–carol: 85% local
    expect(human.stdout).toContain(`[${'█'.repeat(2)}${'░'.repeat(18)}]`); // dave–alice: 10% local
    expect(human.stdout).toMatch(/^Can receive\s+2,060,000 sat \(at most 1,780,000 sat in one channel\)$/m);
    expect(asJson.code, asJson.stderr).toBe(0);
    const snapshot = JSON.parse(asJson.stdout) as {
      channels: { chanId: string; outboundSat: string; inboundSat: string; peerAlias: string }[];
      totals: { inboundSat: string };
    };
    expect(snapshot.totals.inboundSat).toBe('2060000');
    expect(snapshot.channels.find((c) => c.chanId === aliceCarol().chanId)).toMatchObject({
      outboundSat: '1680000',
      inboundSat: '280000',
      peerAlias: 'carol (router)',
    });
  });

  it('rebalance --dry-run prices the route and moves nothing; without it, moves amount and fee', async () => {
    const out = aliceCarol();
    const back = daveAlice();
    const before = [out.balanceMsat('alice'), back.balanceMsat('alice')];
    const args = ['--out', out.chanId, '--in', sim.node('dave').pubkey, '--amount', '500000', '--max-fee', '200'];
    const dry = await lnkit(['rebalance', ...args, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Dry run\s+ready: nothing was sent$/m);
    expect(dry.stdout).toMatch(/^Route fee\s+152\.010 sat$/m); // dave 1 sat + 200 ppm, carol 1 sat + 100 ppm
    expect([out.balanceMsat('alice'), back.balanceMsat('alice')]).toEqual(before);

    const tooDear = await lnkit(['rebalance', ...args.slice(0, -1), '100', '--dry-run']);
    expect(tooDear.code).toBe(1);
    expect(tooDear.stdout).toMatch(/would not send \(fee_too_high\)/);

    const real = await lnkit(['rebalance', ...args, '--json']);
    expect(real.code, real.stderr).toBe(0);
    const row = JSON.parse(real.stdout) as { status: string; feeMsat: string; inChanId: string };
    expect(row).toMatchObject({ status: 'succeeded', feeMsat: '152010', inChanId: back.chanId });
    expect(before[0]! - out.balanceMsat('alice')).toBe(500_000_000n + 152_010n);
    expect(back.balanceMsat('alice') - before[1]!).toBe(500_000_000n);
  });

  it('bad flags exit 2 and send nothing', async () => {
    const result = await lnkit(['rebalance', '--out', 'x', '--in', 'y', '--amount', '1', '--max-fee', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/outChannel/);
  });
});
