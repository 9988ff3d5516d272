/**
 * Issue #14, items 5 and 6: errors that name the real cause, and inputs refused before any RPC.
 * One table per item (input → typed error and code), through createLndClient / createLightning over
 * gRPC/TLS to the simulator where LND is involved. "Before any RPC" is read from the simulator's
 * own log of the calls that reached it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { isLightningError } from '../../src/errors.js';
import { createLndClient, type LndClientConfig } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator, type SimulatedNode } from '../../src/testing/simulator/index.js';
import { guardedLookup } from '../../src/webhooks/outbox/address-guard.js';
import { signWebhook, verifyWebhook } from '../../src/webhooks/index.js';

let sim: LndSimulator;
let alice: SimulatedNode;
let dir: string;
let lightning: Lightning;
const clients: LndClient[] = [];

beforeAll(async () => {
  sim = await startLndSimulator();
  alice = sim.node('alice');
  dir = mkdtempSync(join(tmpdir(), 'lnkit-edge-errors-'));
  lightning = createLightning({
    lnd: client({}),
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: join(dir, 'lnkit.db') }),
  });
  await lightning.start();
});

afterAll(async () => {
  await lightning?.stop();
  await Promise.all(clients.map((c) => c.close()));
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function client(config: Partial<LndClientConfig> & Record<string, unknown>, node = alice): LndClient {
  const made = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    ...config,
  } as LndClientConfig);
  clients.push(made);
  return made;
}

/** The error `fn` fails with (fails the test when it succeeds). */
async function failure(fn: () => unknown): Promise<Error & { code?: string; field?: string }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { code?: string; field?: string };
  }
  throw new Error('expected a failure, got success');
}

const rpcCount = (node: SimulatedNode): number => node.callLog().length;

describe('item 5: errors that name the real cause', () => {
  const half = (text: string): string => text.slice(0, Math.floor(text.length / 2));
  const withoutEnd = (pem: string): string => pem.replace(/-----END CERTIFICATE-----\s*$/, '');
  const file = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it.each<[string, () => Partial<LndClientConfig>, string, string, RegExp]>([
    ['a truncated PEM', () => ({ cert: half(alice.cert) }), 'INVALID_INPUT', 'cert', /cert: expected a PEM/],
    ['an END-less PEM', () => ({ cert: withoutEnd(alice.cert) }), 'INVALID_INPUT', 'cert', /ending in "-----END/],
    [
      'a truncated PEM file',
      () => ({ cert: file('half.cert', half(alice.cert)) }),
      'INVALID_INPUT',
      'cert',
      /half\.cert/,
    ],
    [
      'an unreadable macaroon path',
      () => ({ macaroon: join(dir, 'no-such', 'admin.macaroon') }),
      'INVALID_INPUT',
      'macaroon',
      /no-such\/admin\.macaroon.*ENOENT/,
    ],
  ])('createLndClient with %s → %s on %s, at construction', (_name, config, code, field, message) => {
    const before = rpcCount(alice);
    let error: (Error & { code?: string; field?: string }) | undefined;
    try {
      client(config());
    } catch (caught) {
      error = caught as Error & { code?: string; field?: string };
    }
    expect(isLightningError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ code, field });
    expect(error!.message).toMatch(message);
    expect(rpcCount(alice)).toBe(before);
  });

  it.each<[string, (hex: string) => string]>([
    ['truncated', (hex) => hex.slice(0, hex.length - 40)],
    ['garbled', (hex) => `02${'ab'.repeat(hex.length / 2 - 1)}`],
    ['cut to its first bytes', (hex) => hex.slice(0, 8)],
  ])('a %s macaroon → LND_AUTHENTICATION over gRPC (not a generic LND_ERROR)', async (_name, mangle) => {
    const error = await failure(() => client({ macaroon: mangle(alice.macaroons.admin) }).getInfo());
    expect(error).toMatchObject({ code: 'LND_AUTHENTICATION' });
    expect(error.message).toMatch(/macaroon/);
  });

  it('LND down: the breaker error and health name the refused connection, without empty trailers', async () => {
    const dave = sim.node('dave');
    const options = { maxRetries: 0, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } };
    // `down` is only called by this test; lnkit's background calls (stream, reconcile) use their own
    // client, so they cannot open this one's breaker before the test looks.
    const down = client(options, dave);
    const daveLightning = createLightning({
      lnd: client(options, dave),
      rates: createFixedRates('90000'),
      store: createSqliteStore({ filename: join(dir, 'dave.db') }),
    });
    await daveLightning.start();
    await dave.faults.stop();
    try {
      const first = await failure(() => down.getInfo());
      expect(first).toMatchObject({ code: 'LND_UNAVAILABLE' });
      expect(first.message).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+/);
      expect(first.message).not.toMatch(/Resolution note/);
      await failure(() => down.getInfo());
      const open = await failure(() => down.getInfo());
      expect(open).toMatchObject({ code: 'CIRCUIT_OPEN' });
      expect(open.message).toMatch(/circuit breaker is open.*last failure: .*ECONNREFUSED 127\.0\.0\.1:\d+/);
      expect(open.message).not.toMatch(/Resolution note/);
      const report = await daveLightning.health();
      const lnd = report.checks.find((c) => c.name === 'lnd_connection');
      expect(report.status).toBe('down');
      expect(lnd?.detail).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+/);
      expect(lnd?.detail).not.toMatch(/Resolution note/);
    } finally {
      await daveLightning.stop({ timeoutMs: 2_000 });
      await dave.faults.start();
    }
  });
});

describe('item 6: inputs refused before any RPC, with a typed error', () => {
  const throwingGetter = Object.defineProperty({}, 'order', {
    enumerable: true,
    get() {
      throw new Error('getter boom');
    },
  });
  const throwingProxy = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('trap boom');
      },
    },
  );

  it('a reused idempotencyKey with different parameters is refused, the same parameters return the first', async () => {
    const first = await lightning.invoices.create({ amountEur: '10', description: 'order 7', idempotencyKey: 'k-7' });
    const again = await lightning.invoices.create({ amountEur: '10', description: 'order 7', idempotencyKey: 'k-7' });
    expect(again.id).toBe(first.id);
    const before = rpcCount(alice);
    for (const changed of [
      { amountEur: '999', description: 'order 7' },
      { amountSat: 10_000n, description: 'order 7' },
      { amountEur: '10', description: 'order 8' },
      { amountEur: '10', description: 'order 7', metadata: { order: 8 } },
    ]) {
      const error = await failure(() => lightning.invoices.create({ ...changed, idempotencyKey: 'k-7' }));
      expect(
        error,
        JSON.stringify(changed, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).toMatchObject({
        code: 'INVALID_INPUT',
        field: 'idempotencyKey',
      });
      expect(error.message).toContain(first.id);
    }
    expect(rpcCount(alice)).toBe(before);
  });

  it.each<[string, () => Record<string, unknown>, string, RegExp]>([
    [
      'EUR above LND’s 100,000 BTC',
      () => ({ amountEur: '99999999999' }),
      'amountEur',
      /100,000 BTC, LND's largest invoice/,
    ],
    [
      'sats above LND’s 100,000 BTC',
      () => ({ amountEur: undefined, amountSat: 10_000_000_000_001n }),
      'amountSat',
      /LND's largest invoice/,
    ],
    [
      'a lone high surrogate',
      () => ({ description: 'pay \uD800 now' }),
      'description',
      /lone surrogate U\+D800 at index 4/,
    ],
    ['a lone low surrogate', () => ({ description: '\uDC00' }), 'description', /lone surrogate U\+DC00/],
    [
      'metadata with a throwing getter',
      () => ({ metadata: throwingGetter }),
      'metadata',
      /threw when read: getter boom/,
    ],
    ['metadata behind a throwing Proxy', () => ({ metadata: throwingProxy }), 'metadata', /threw when read: trap boom/],
  ])('invoices.create with %s → INVALID_INPUT, no RPC', async (_name, input, field, message) => {
    const before = rpcCount(alice);
    const error = await failure(() =>
      lightning.invoices.create({ amountEur: '1', description: 'edge', ...input() } as never),
    );
    expect(isLightningError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field });
    expect(error.message).toMatch(message);
    expect(rpcCount(alice)).toBe(before);
  });

  it('a well-formed surrogate pair (an emoji) is accepted', async () => {
    const invoice = await lightning.invoices.create({ amountSat: 1n, description: 'thanks 🙏' });
    expect(invoice.description).toBe('thanks 🙏');
  });

  it.each(['::127.0.0.1', '::7f00:1', '::10.0.0.1', '::a00:1'])(
    'the webhook address guard refuses the IPv4-compatible %s → ADDRESS_BLOCKED',
    async (address) => {
      const error = await new Promise<NodeJS.ErrnoException | null>((done) =>
        guardedLookup(false)(address, {}, (e) => done(e)),
      );
      expect(error).toMatchObject({ code: 'ADDRESS_BLOCKED' });
    },
  );

  const oneByte = `whsec_${Buffer.from([7]).toString('base64')}`;
  const tooLong = `whsec_${Buffer.alloc(65, 1).toString('base64')}`;
  it.each<[string, () => unknown, string]>([
    [
      'verifyWebhook, 1-byte secret',
      () => verifyWebhook({ body: '{}', headers: {}, secret: oneByte }),
      'INVALID_SECRET',
    ],
    [
      'signWebhook, 1-byte secret',
      () => signWebhook({ id: 'msg_1', timestamp: 1, body: '{}', secret: oneByte }),
      'INVALID_SECRET',
    ],
    [
      'signWebhook, 65-byte secret',
      () => signWebhook({ id: 'msg_1', timestamp: 1, body: '{}', secret: tooLong }),
      'INVALID_SECRET',
    ],
    [
      'webhooks.addEndpoint, 1-byte secret',
      () => lightning.webhooks.addEndpoint({ url: 'https://example.com/hook', secret: oneByte }),
      'INVALID_INPUT',
    ],
  ])('%s → %s', async (_name, fn, code) => {
    const error = await failure(fn);
    expect(isLightningError(error) || error.name === 'WebhookVerificationError', String(error)).toBe(true);
    expect(error).toMatchObject({ code });
    expect(error.message).toMatch(/24 to 64 bytes, got (1|65)/);
  });
});
