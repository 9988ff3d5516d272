import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  DEFAULT_DB,
  DEFAULT_LND_SOCKET,
  nodeEnv,
  redact,
  resolveConnection,
  resolveDbPath,
  resolveFixedRate,
  resolveNodeName,
  resolveNodeNames,
  resolveTimeoutMs,
} from './config.js';

const URI = 'lndconnect://10.0.0.5:10010?cert=MIIB&macaroon=AgEDbG5kAvgBAwoQ';
const ENV_SOCKET = {
  LIGHTNING_HOST: 'env-host:10009',
  LIGHTNING_CERT_PATH: '/env/tls.cert',
  LIGHTNING_MACAROON_PATH: '/env/admin.macaroon',
};

describe('resolveConnection', () => {
  it('prefers --lndconnect over everything', () => {
    const resolved = resolveConnection(
      { lndconnect: URI, host: 'flag:1' },
      { ...ENV_SOCKET, LNDCONNECT: 'lndconnect://other:1?macaroon=AA' },
    );
    expect(resolved.client).toEqual({ lndconnect: URI, timeoutMs: 15_000, maxRetries: 1 });
    expect(resolved.socket).toBe('10.0.0.5:10010');
    expect(resolved.secrets).toContain('AgEDbG5kAvgBAwoQ');
  });

  it('takes socket flags field by field, falling back to the variables', () => {
    const resolved = resolveConnection(
      { host: 'flag-host:1', macaroon: '/flag/m.macaroon' },
      { ...ENV_SOCKET, LNDCONNECT: URI },
    );
    expect(resolved.client).toEqual({
      socket: 'flag-host:1',
      cert: '/env/tls.cert',
      macaroon: '/flag/m.macaroon',
      timeoutMs: 15_000,
      maxRetries: 1,
    });
    expect(resolved.secrets).toEqual([]);
  });

  it('uses LNDCONNECT before the LIGHTNING_* variables when no flag is given', () => {
    expect(resolveConnection({}, { ...ENV_SOCKET, LNDCONNECT: URI }).client).toMatchObject({ lndconnect: URI });
  });

  it("uses the LIGHTNING_* variables, with LND's default socket when LIGHTNING_HOST is unset", () => {
    expect(resolveConnection({}, ENV_SOCKET).client).toMatchObject({
      socket: 'env-host:10009',
      cert: '/env/tls.cert',
      macaroon: '/env/admin.macaroon',
    });
    const { LIGHTNING_HOST: _ignored, ...noHost } = ENV_SOCKET;
    expect(resolveConnection({}, noHost).socket).toBe(DEFAULT_LND_SOCKET);
  });

  it('accepts the older names as aliases of the LIGHTNING_* variables, which win when both are set', () => {
    const old = {
      LND_SOCKET: 'old-host:10009',
      LND_CERT_PATH: '/old/tls.cert',
      LND_MACAROON_PATH: '/old/admin.macaroon',
      LNKIT_DB: '/old/lnkit.db',
    };
    expect(resolveConnection({}, old).client).toMatchObject({
      socket: 'old-host:10009',
      cert: '/old/tls.cert',
      macaroon: '/old/admin.macaroon',
    });
    expect(resolveDbPath({}, old)).toBe('/old/lnkit.db');
    expect(resolveConnection({}, { LND_SOCKET: 'h:1', LND_CERT: '/c', LND_MACAROON: '/m' }).client).toMatchObject({
      cert: '/c',
      macaroon: '/m',
    });
    expect(resolveConnection({}, { ...old, ...ENV_SOCKET }).client).toMatchObject({ socket: 'env-host:10009' });
    expect(resolveDbPath({}, { ...old, LIGHTNING_DB: '/new.db' })).toBe('/new.db');
  });

  it('treats an inline hex macaroon as a secret and applies --timeout', () => {
    const resolved = resolveConnection({ macaroon: '0201036c6e64', cert: '/c', timeout: 2.5 }, {});
    expect(resolved.secrets).toEqual(['0201036c6e64']);
    expect(resolved.client.timeoutMs).toBe(2500);
  });

  it.each([
    [{}, {}, 'connection'],
    [{ host: 'h:1' }, {}, '--cert'],
    [{ host: 'h:1', cert: '/c' }, {}, '--macaroon'],
    [{}, { LIGHTNING_HOST: '  ', LIGHTNING_MACAROON_PATH: '/m' }, '--cert'],
  ])('rejects an incomplete connection %j %j (field %s)', (options, env, field) => {
    const error = (() => {
      try {
        resolveConnection(options, env);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });
});

describe('other settings', () => {
  it('resolves the database: --db > LIGHTNING_DB > ./lnkit.db', () => {
    expect(resolveDbPath({ db: 'a.db' }, { LIGHTNING_DB: 'b.db' })).toBe('a.db');
    expect(resolveDbPath({}, { LIGHTNING_DB: 'b.db' })).toBe('b.db');
    expect(resolveDbPath({}, {})).toBe(DEFAULT_DB);
  });

  it('resolves the fixed rate: --rate > LIGHTNING_FIXED_RATE > none', () => {
    expect(resolveFixedRate({ rate: '90000' }, { LIGHTNING_FIXED_RATE: '1' })).toBe('90000');
    expect(resolveFixedRate({}, { LIGHTNING_FIXED_RATE: '85000.5' })).toBe('85000.5');
    expect(resolveFixedRate({}, {})).toBeNull();
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects --timeout %s', (timeout) => {
    expect(() => resolveTimeoutMs({ timeout })).toThrow(ValidationError);
  });

  it('redacts every secret occurrence', () => {
    expect(redact('bad macaroon 0201036c6e64 (0201036c6e64)', ['0201036c6e64'])).toBe(
      'bad macaroon [redacted] ([redacted])',
    );
    expect(redact('short', ['abc'])).toBe('short');
  });
});

describe('several nodes (#16): --node and LIGHTNING_NODES', () => {
  const env = {
    LIGHTNING_NODES: 'alice, erin',
    LNDCONNECT_ALICE: 'lndconnect://alice:10009?cert=x&macaroon=AAAAAAAAAAAA',
    LIGHTNING_ERIN_HOST: 'erin:10009',
    LIGHTNING_ERIN_CERT_PATH: '/erin/tls.cert',
    LIGHTNING_ERIN_MACAROON_PATH: '/erin/admin.macaroon',
  };

  it('reads the names; --node picks one; without it the first, unless a plain connection is configured', () => {
    expect(resolveNodeNames(env)).toEqual(['alice', 'erin']);
    expect(resolveNodeNames({})).toEqual([]);
    expect(resolveNodeName({ node: 'erin' }, env)).toBe('erin');
    expect(resolveNodeName({}, env)).toBe('alice');
    expect(resolveNodeName({ host: 'x:1' }, env)).toBeNull();
    expect(resolveNodeName({}, { ...env, LNDCONNECT: 'lndconnect://plain:1' })).toBeNull();
    expect(resolveNodeName({}, {})).toBeNull();
  });

  it("each node's connection comes from its own variables", () => {
    expect(resolveConnection({}, nodeEnv(env, 'alice')).socket).toBe('alice:10009');
    expect(resolveConnection({}, nodeEnv(env, 'erin')).client).toMatchObject({
      socket: 'erin:10009',
      cert: '/erin/tls.cert',
      macaroon: '/erin/admin.macaroon',
    });
    // A node without its variables does not fall back to another node's (or the plain) connection.
    expect(() => resolveConnection({}, nodeEnv({ ...env, LIGHTNING_HOST: 'plain:1' }, 'carol'))).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'connection' }),
    );
  });

  it.each([
    ['a --node that LIGHTNING_NODES does not list', { node: 'zed' }, env, '--node'],
    ['a malformed --node', { node: 'a b' }, {}, '--node'],
    ['a malformed LIGHTNING_NODES', {}, { LIGHTNING_NODES: 'alice,,erin' }, 'LIGHTNING_NODES'],
  ])('refuses %s', (_what, options, environment, field) => {
    expect(() => resolveNodeName(options, environment)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field }),
    );
  });
});
