import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LndUnavailableError, StoreError, ValidationError } from '../errors.js';
import { buildProgram, CLI_VERSION, describeError, runCli } from './program.js';
import type { CliIo, Session } from './session.js';

function capture(env: CliIo['env'] = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
  };
  return { io, out: () => stdout, err: () => stderr };
}

/** Every command path of the program, e.g. ['invoice', 'create']. */
function commandPaths(): string[][] {
  const paths: string[][] = [];
  const walk = (command: ReturnType<typeof buildProgram>, prefix: string[]): void => {
    for (const sub of command.commands) {
      const path = [...prefix, sub.name()];
      paths.push(path);
      walk(sub, path);
    }
  };
  walk(buildProgram(capture().io), []);
  return paths;
}

describe('lnkit program', () => {
  it('has the commands of the issue', () => {
    expect(commandPaths().map((p) => p.join(' '))).toEqual([
      'status',
      'invoice',
      'invoice create',
      'invoice list',
      'invoice show',
      'invoice cancel',
      'pay',
      'channels',
      'liquidity',
      'rebalance',
      'health',
      'webhooks',
      'webhooks endpoints',
      'webhooks deliveries',
      'webhooks redeliver',
      'db',
      'db stats',
      'db prune',
      'db vacuum',
      'db check',
      'sim',
    ]);
  });

  it.each(commandPaths())('%s … --help prints usage and the global options, exit 0', async (...path) => {
    const c = capture();
    expect(await runCli([...path, '--help'], c.io)).toBe(0);
    expect(c.out()).toContain(`Usage: lnkit ${path.join(' ')}`);
    expect(c.out()).toContain('--json');
    expect(c.err()).toBe('');
  });

  it('prints the version of package.json', async () => {
    const c = capture();
    expect(await runCli(['--version'], c.io)).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(c.out().trim()).toBe(CLI_VERSION);
    expect(CLI_VERSION).toBe(pkg.version);
  });

  it.each([
    [['status', '--bogus'], "error: unknown option '--bogus'", 'Usage: lnkit status'],
    [['invoice', 'create', '5'], "error: missing required argument 'description'", 'Usage: lnkit invoice create'],
    [
      ['invoice', 'create', '5', 'x', '--expiry-hours', '-1'],
      'expected a positive number of hours, got "-1"',
      'Usage: lnkit invoice create',
    ],
    [['invoice', 'list', '--limit', '0'], 'expected a positive integer, got "0"', 'Usage: lnkit invoice list'],
    [['--timeout', 'soon', 'status'], 'expected a positive number of seconds, got "soon"', 'Usage: lnkit'],
    [['nonsense'], "error: unknown command 'nonsense'", 'Usage: lnkit'],
    [[], '', 'Usage: lnkit'],
  ])('%j → exit 2 with the reason and usage on stderr', async (argv, reason, usage) => {
    const c = capture();
    expect(await runCli(argv, c.io)).toBe(2);
    expect(c.err()).toContain(reason);
    expect(c.err()).toContain(usage);
    expect(c.out()).toBe('');
  });

  it('sim --preset refuses an unknown network with exit 2 and starts nothing', async () => {
    const c = capture();
    expect(await runCli(['sim', '--preset', 'triangle'], c.io)).toBe(2);
    expect(c.err()).toContain('preset: expected one of default, cycle, merchants, got "triangle"');
    expect(c.out()).toBe('');
  });

  it('exits 2 with one line when no LND connection is configured', async () => {
    const c = capture({});
    expect(await runCli(['status'], c.io)).toBe(2);
    expect(c.err()).toMatch(
      /^lnkit: connection: expected an LND node, got none: pass --lndconnect <uri>, or --host, --cert and --macaroon .*\n$/,
    );
  });

  it('exits 2 for a malformed lndconnect URI without echoing it', async () => {
    const c = capture({ LNDCONNECT: 'lndconnect://127.0.0.1:1?cert=!!!&macaroon=AgEDbG5kAvgBAwoQ' });
    expect(await runCli(['status'], c.io)).toBe(2);
    expect(c.err()).toMatch(/^lnkit: lndconnect: .+\n$/);
    expect(c.err()).not.toContain('AgEDbG5kAvgBAwoQ');
  });
});

describe('describeError', () => {
  const session = { connection: { socket: '127.0.0.1:1234', secrets: ['0201036c6e64aabbccdd'] } } as unknown as Session;

  it('names the socket when LND is unreachable and keeps to one line', () => {
    expect(
      describeError(
        new LndUnavailableError('LND is unavailable:\n14 UNAVAILABLE: connect ECONNREFUSED. Resolution note: '),
        session,
      ),
    ).toBe('LND unreachable at 127.0.0.1:1234: LND is unavailable: 14 UNAVAILABLE: connect ECONNREFUSED.');
  });

  it('never prints a configured secret', () => {
    expect(describeError(new ValidationError('macaroon', 'rejected 0201036c6e64aabbccdd'), session)).toBe(
      'macaroon: rejected [redacted]',
    );
  });

  it('adds the code to other lnkit errors and passes plain messages through', () => {
    expect(describeError(new StoreError('disk full'), null)).toBe('disk full (STORE_ERROR)');
    expect(describeError(new Error('boom'), null)).toBe('boom');
    expect(describeError('text', null)).toBe('text');
  });
});
