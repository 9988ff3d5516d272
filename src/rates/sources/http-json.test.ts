import { describe, expect, it } from 'vitest';
import { RateSourceError, ValidationError } from '../../errors.js';
import { cleanText, fetchJson, resolveSourceConfig } from './http-json.js';
import { HTML_502 } from './provider-fixtures.js';
import { fakeFetch, jsonResponse } from './test-fetch.js';

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RateSourceError);
  expect((error as RateSourceError).source).toBe('src');
  return (error as RateSourceError).reason;
}

const get = (fetch: typeof globalThis.fetch, extra: Partial<Parameters<typeof fetchJson>[1]> = {}) =>
  fetchJson('http://127.0.0.1:1/x', { source: 'src', timeoutMs: 1_000, fetch, ...extra });

describe('fetchJson', () => {
  it('parses JSON with numbers as text and sends accept + extra headers', async () => {
    const fetch = fakeFetch(() => jsonResponse('{"eur":87654.32}'));
    await expect(get(fetch, { headers: { 'x-key': 'k' } })).resolves.toEqual({ eur: '87654.32' });
    expect(fetch.calls[0]?.headers).toMatchObject({ accept: 'application/json', 'x-key': 'k' });
  });

  it.each([
    [
      'HTML 502',
      () => new Response(HTML_502, { status: 502, headers: { 'content-type': 'text/html' } }),
      'expected HTTP 2xx, got HTTP 502 (HTML page)',
    ],
    [
      '429 with Retry-After',
      () => jsonResponse('{}', 429, { 'retry-after': '30' }),
      'rate limited (HTTP 429), Retry-After: 30',
    ],
    ['429 without Retry-After', () => jsonResponse('{}', 429), 'rate limited (HTTP 429)'],
    ['500 with JSON', () => jsonResponse('{"msg":"boom"}', 500), 'expected HTTP 2xx, got HTTP 500'],
    [
      'HTML on 200',
      () => new Response('<!doctype html><p>hi</p>'),
      'malformed response: expected JSON, got an HTML page (HTTP 200)',
    ],
    ['empty body', () => new Response(''), 'malformed response: expected JSON, got an empty body'],
    [
      'truncated JSON',
      () => jsonResponse('{"eur":8765'),
      'malformed response: expected JSON, got text that is not JSON',
    ],
    ['NaN literal', () => jsonResponse('{"eur":NaN}'), 'malformed response'],
  ])('%s → typed error', async (_name, respond, reason) => {
    expect(await reasonOf(get(fakeFetch(respond)))).toContain(reason);
  });

  it('puts a provider error message from a non-2xx JSON body in the reason, with the key redacted', async () => {
    const fetch = fakeFetch(() => jsonResponse('{"error":"bad key SECRET-123"}', 401));
    const reason = await reasonOf(
      get(fetch, { secrets: ['SECRET-123'], errorMessage: (b) => (b as { error: string }).error }),
    );
    expect(reason).toBe('expected HTTP 2xx, got HTTP 401: bad key [redacted]');
  });

  it('reports a network error by its code', async () => {
    const fetch = fakeFetch(() => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    });
    expect(await reasonOf(get(fetch))).toBe('network error: ECONNREFUSED');
  });

  it('bounds a hanging request by timeoutMs', async () => {
    const hang: typeof globalThis.fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const started = Date.now();
    expect(await reasonOf(get(hang, { timeoutMs: 50 }))).toBe('timed out after 50 ms');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops when the caller aborts', async () => {
    const hang: typeof globalThis.fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const controller = new AbortController();
    const pending = get(hang, { signal: controller.signal });
    controller.abort();
    expect(await reasonOf(pending)).toBe('request aborted');
  });
});

describe('cleanText', () => {
  it('redacts secrets, strips control characters and truncates', () => {
    expect(cleanText('key=abc\n', ['abc'])).toBe('key=[redacted]?');
    expect(cleanText('x'.repeat(500))).toHaveLength(161);
  });
});

describe('resolveSourceConfig', () => {
  it('applies defaults and trims the trailing slash', () => {
    const c = resolveSourceConfig({ baseUrl: 'http://127.0.0.1:8080/proxy/' }, 'https://example.com');
    expect(c).toMatchObject({ baseUrl: 'http://127.0.0.1:8080/proxy', timeoutMs: 5_000, maxAgeMs: 600_000 });
    expect(resolveSourceConfig(undefined, 'https://example.com').baseUrl).toBe('https://example.com');
  });

  it.each([
    [{ baseUrl: 'ftp://x' }, 'baseUrl'],
    [{ baseUrl: 'not a url' }, 'baseUrl'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: Number.NaN }, 'timeoutMs'],
    [{ maxAgeMs: -1 }, 'maxAgeMs'],
    [{ apiKey: '  ' }, 'apiKey'],
  ])('rejects %j', (config, fieldName) => {
    expect(() => resolveSourceConfig(config, 'https://example.com')).toThrow(ValidationError);
    expect(() => resolveSourceConfig(config, 'https://example.com')).toThrow(new RegExp(`^${fieldName}:`));
  });
});
