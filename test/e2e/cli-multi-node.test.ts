/**
 * `lnkit --node` and `lnkit status` with several nodes (#16), against the simulator's `merchants`
 * preset over gRPC/TLS, with a SQLite file; in this process through `runCli`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';

let sim: LndSimulator;
let dir: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  sim = await startLndSimulator({ preset: 'merchants' });
  dir = mkdtempSync(join(tmpdir(), 'lnkit-cli-multi-'));
  env = {
    LIGHTNING_NODES: 'alice,erin',
    LNDCONNECT_ALICE: sim.node('alice').lndconnect,
    LNDCONNECT_ERIN: sim.node('erin').lndconnect,
    LIGHTNING_DB: join(dir, 'shop.db'),
    LIGHTNING_FIXED_RATE: '90000',
  };
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function lnkit(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}

describe('lnkit with several nodes', () => {
  it('status lists every node of LIGHTNING_NODES, as JSON and as text; --node shows one', async () => {
    const all = await lnkit(['status', '--json']);
    expect(all.code, all.stderr).toBe(0);
    const report = JSON.parse(all.stdout) as { nodes: { name: string; pubkey: string }[] };
    expect(report.nodes.map((n) => [n.name, n.pubkey])).toEqual([
      ['alice', sim.node('alice').pubkey],
      ['erin', sim.node('erin').pubkey],
    ]);
    const text = await lnkit(['status']);
    expect(text.stdout).toMatch(/Node\s+alice[\s\S]*Node\s+erin/);
    const one = JSON.parse((await lnkit(['status', '--json', '--node', 'erin'])).stdout) as { pubkey: string };
    expect(one.pubkey).toBe(sim.node('erin').pubkey);
  }, 60_000);

  it('--node erin creates the invoice on erin; an unknown --node is a usage error', async () => {
    const created = await lnkit(['--node', 'erin', 'invoice', 'create', '2.50', 'Deposit', '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ nodeName: 'erin', nodePubkey: sim.node('erin').pubkey });
    const unknown = await lnkit(['--node', 'zed', 'status']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('expected one of alice, erin');
  }, 60_000);

  it('status shows a node that is down with its reason and still lists the other', async () => {
    await sim.node('erin').faults.stop();
    try {
      const result = await lnkit(['status', '--json', '--timeout', '2']);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { nodes: { name: string; pubkey?: string; error?: string }[] };
      expect(report.nodes[0]).toMatchObject({ name: 'alice', pubkey: sim.node('alice').pubkey });
      expect(report.nodes[1]).toMatchObject({ name: 'erin', error: expect.any(String) });
    } finally {
      await sim.node('erin').faults.start();
    }
  }, 60_000);
});
