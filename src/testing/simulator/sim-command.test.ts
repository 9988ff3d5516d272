import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSimCommand } from './sim-command.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Runs the command until it printed `lines` lines, then aborts it and waits for it to stop. */
async function runUntilPrinted(options: Parameters<typeof runSimCommand>[0], lines: number): Promise<string[]> {
  const controller = new AbortController();
  const printed: string[] = [];
  let onLine: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => {
    onLine = () => {
      if (printed.length >= lines) resolve();
    };
  });
  const running = runSimCommand({
    ...options,
    signal: controller.signal,
    out: (line) => (printed.push(line), onLine()),
  });
  await Promise.race([enough, running]);
  controller.abort();
  await running;
  return printed;
}

describe('runSimCommand', () => {
  it('prints the default network as JSON and writes each node’s credentials', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lnkit-sim-cmd-'));
    dirs.push(dir);
    const [json = ''] = await runUntilPrinted({ dir, json: true }, 1);
    const parsed = JSON.parse(json) as {
      dir: string;
      network: string;
      nodes: { name: string; lndconnect: string; adminMacaroon: string; tlsCert: string; socket: string }[];
    };
    expect(parsed.dir).toBe(dir);
    expect(parsed.network).toBe('regtest');
    expect(parsed.nodes.map((n) => n.name)).toEqual(['alice', 'bob', 'carol', 'dave']);
    for (const node of parsed.nodes) {
      expect(node.lndconnect).toMatch(/^lndconnect:\/\/127\.0\.0\.1:\d+\?cert=[\w-]+&macaroon=[\w-]+$/);
      expect(node.adminMacaroon).toBe(join(dir, node.name, 'admin.macaroon'));
      await access(join(dir, node.name, 'invoice.macaroon'));
      await access(join(dir, node.name, 'readonly.macaroon'));
      expect(await readFile(node.tlsCert, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
      const macaroon = new URL(node.lndconnect).searchParams.get('macaroon') ?? '';
      expect(await readFile(node.adminMacaroon)).toEqual(Buffer.from(macaroon, 'base64url'));
    }
  });

  it('prints export lines per node in text mode, on --port-base ports, and says when it stopped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lnkit-sim-cmd-'));
    dirs.push(dir);
    const portBase = 20_000 + Math.floor(Math.random() * 40_000);
    const lines = await runUntilPrinted(
      { dir, portBase, simulator: { nodes: [{ name: 'solo' }, { name: 'duo' }] } },
      15, // up to "Press Ctrl+C"; the "stopped" line follows the abort
    );
    expect(lines[0]).toContain(`credentials in ${dir}`);
    expect(lines.join('\n')).not.toContain('lndconnect://');
    expect(lines).toContain(`export LIGHTNING_HOST=127.0.0.1:${portBase}`);
    expect(lines).toContain(`export LIGHTNING_HOST=127.0.0.1:${portBase + 1}`);
    expect(lines).toContain(`export LIGHTNING_CERT_PATH=${join(dir, 'solo', 'tls.cert')}`);
    expect(lines).toContain(`export LIGHTNING_MACAROON_PATH=${join(dir, 'duo', 'admin.macaroon')}`);
    expect(lines.find((l) => l.startsWith('# solo '))).toMatch(/^# solo 127\.0\.0\.1:\d+ pubkey 0[23][0-9a-f]{64}$/);
    expect(lines.at(-2)).toBe('Press Ctrl+C to stop.');
    expect(lines.at(-1)).toMatch(/^lnkit sim: stopped/);
  });

  it('refuses a --port-base that leaves no room, and leaves no credentials folder behind', async () => {
    // The folder it would create: lnkit-sim- and six random characters (not this file's lnkit-sim-cmd-…).
    const folders = async () => (await readdir(tmpdir())).filter((name) => /^lnkit-sim-[A-Za-z0-9]{6}$/.test(name));
    const before = await folders();
    await expect(runSimCommand({ portBase: 65_535, out: () => undefined })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'portBase',
    });
    expect((await folders()).filter((name) => !before.includes(name))).toEqual([]);
  });

  it('returns at once when the signal is already aborted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lnkit-sim-cmd-'));
    dirs.push(dir);
    const controller = new AbortController();
    controller.abort();
    const printed: string[] = [];
    await runSimCommand({
      dir,
      json: true,
      signal: controller.signal,
      out: (line) => printed.push(line),
      simulator: { nodes: [{ name: 'solo' }] },
    });
    expect(printed).toHaveLength(1);
  });
});
