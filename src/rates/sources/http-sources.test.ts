import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../testing/manual-clock.js';
import { RateSourceError, ValidationError } from '../../errors.js';
import type { RateSource, RateSourceConfig } from './rate-source.js';
import { createBitstampSource } from './bitstamp.js';
import { createCoinbaseSource } from './coinbase.js';
import { createCoinGeckoSource } from './coingecko.js';
import { createCoinMarketCapSource } from './coinmarketcap.js';
import { createKrakenSource } from './kraken.js';
import { errorBodyOn200, okBody, PROVIDER_PATHS, type ProviderName } from './provider-fixtures.js';
import { fakeFetch, jsonResponse } from './test-fetch.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const BASE = 'http://127.0.0.1:9';
const makers: Record<ProviderName, (c: RateSourceConfig) => RateSource> = {
  kraken: createKrakenSource,
  bitstamp: createBitstampSource,
  coinbase: createCoinbaseSource,
  coingecko: createCoinGeckoSource,
  coinmarketcap: (c) => createCoinMarketCapSource({ apiKey: 'cmc-key', ...c }),
};
const providers = Object.keys(makers) as ProviderName[];
const timed = new Set<ProviderName>(['bitstamp', 'coingecko', 'coinmarketcap']);

function sourceFor(provider: ProviderName, body: string, status = 200) {
  const fetch = fakeFetch(() => jsonResponse(body, status));
  return { fetch, source: makers[provider]({ baseUrl: BASE, fetch, clock: createManualClock(NOW) }) };
}

async function failure(source: RateSource): Promise<RateSourceError> {
  const error = await source.fetchQuote().then(
    () => new Error('expected a RateSourceError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RateSourceError);
  return error as RateSourceError;
}

describe.each(providers)('%s source', (provider) => {
  it('reads the real response shape into an exact decimal quote', async () => {
    const { fetch, source } = sourceFor(provider, okBody(provider, '87654.32', NOW - 20_000));
    const quote = await source.fetchQuote();
    expect(source.name).toBe(provider);
    expect(fetch.calls.map((c) => c.url)).toEqual([BASE + PROVIDER_PATHS[provider]]);
    expect(quote.rate.toFixed()).toBe('87654.32');
    expect(quote).toMatchObject({ source: provider, fetchedAt: new Date(NOW) });
    expect(quote.quotedAt).toEqual(
      timed.has(provider) ? new Date(Math.floor((NOW - 20_000) / 1000) * 1000) : undefined,
    );
  });

  it('keeps every digit the provider sent (no float on the way)', async () => {
    const { source } = sourceFor(provider, okBody(provider, '87654.123456789012345678', NOW));
    expect((await source.fetchQuote()).rate.toFixed()).toBe('87654.123456789012345678');
  });

  it.each([
    ['NaN', 'NaN', /expected .* as a decimal|malformed response/],
    ['negative', '-87654.32', /expected a positive .*, got -87654.32/],
    ['zero', '0', /expected a positive .*, got 0/],
    ['1e400', '1e400', /within 1\.\.100000000 EUR\/BTC, got 1e400/],
    ['below the sane range', '0.01', /within 1\.\.100000000/],
  ])('rejects a %s price', async (_name, price, reason) => {
    const error = await failure(sourceFor(provider, okBody(provider, price, NOW)).source);
    expect(error.source).toBe(provider);
    expect(error.reason).toMatch(reason);
  });

  it('rejects the error body it sends with HTTP 200', async () => {
    const error = await failure(sourceFor(provider, errorBodyOn200(provider) ?? '{}').source);
    expect(error.reason).toMatch(/^provider error: /);
  });

  // Kraken and Coinbase send no timestamp, so only the others have a staleness case.
  if (timed.has(provider))
    it('rejects a stale provider timestamp', async () => {
      const error = await failure(sourceFor(provider, okBody(provider, '87654.32', NOW - 3_600_000)).source);
      expect(error.reason).toMatch(/^stale quote: expected a timestamp at most 600 s old, got 3600 s/);
    });

  it('rejects an object where the price should be', async () => {
    const error = await failure(sourceFor(provider, '{"result":{},"data":{},"bitcoin":{}}').source);
    expect(error.reason).toMatch(/^expected /);
  });
});

describe('kraken specifics', () => {
  it('reads whatever result key Kraken uses', async () => {
    const body = okBody('kraken', '90000.1', NOW).replace('XXBTZEUR', 'XBTEUR');
    expect((await sourceFor('kraken', body).source.fetchQuote()).rate.toFixed()).toBe('90000.1');
  });

  it('rejects bid above ask', async () => {
    const body = okBody('kraken', '90000', NOW).replace('"87654.20000"', '"99999.00000"');
    expect((await failure(sourceFor('kraken', body).source)).reason).toBe(
      'expected bid ≤ ask, got bid 99999 > ask 87654.4',
    );
  });
});

describe('coinbase specifics', () => {
  it('rejects a quote in another currency', async () => {
    const body = okBody('coinbase', '90000', NOW).replace('"EUR"', '"USD"');
    expect((await failure(sourceFor('coinbase', body).source)).reason).toBe('expected data.currency EUR, got "USD"');
  });
});

describe('coingecko specifics', () => {
  const body = okBody('coingecko', '90000', NOW);
  it.each([
    [undefined, undefined, 'https://api.coingecko.com', undefined],
    ['demo-key', undefined, 'https://api.coingecko.com', 'x-cg-demo-api-key'],
    ['pro-key', 'pro' as const, 'https://pro-api.coingecko.com', 'x-cg-pro-api-key'],
  ])('key %s on plan %s → host %s, header %s', async (apiKey, plan, host, header) => {
    const fetch = fakeFetch(() => jsonResponse(body));
    await createCoinGeckoSource({ apiKey, plan, fetch, clock: createManualClock(NOW) }).fetchQuote();
    expect(fetch.calls[0]?.url.startsWith(`${host}/api/v3/simple/price?`)).toBe(true);
    if (header) expect(fetch.calls[0]?.headers[header]).toBe(apiKey);
    expect(Object.keys(fetch.calls[0]?.headers ?? {}).filter((h) => h.startsWith('x-cg'))).toEqual(
      header ? [header] : [],
    );
  });

  it('rejects an unknown plan', () => {
    expect(() => createCoinGeckoSource({ plan: 'free' as 'demo' })).toThrow(ValidationError);
  });

  it('never puts the key in an error', async () => {
    const fetch = fakeFetch(() =>
      jsonResponse('{"status":{"error_code":10010,"error_message":"key sekrit is for pro"}}', 400),
    );
    const error = await failure(createCoinGeckoSource({ apiKey: 'sekrit', fetch }));
    expect(error.reason).toBe('expected HTTP 2xx, got HTTP 400: 10010 key [redacted] is for pro');
  });
});

describe('coinmarketcap specifics', () => {
  it('requires an API key and sends it in X-CMC_PRO_API_KEY', async () => {
    expect(() => createCoinMarketCapSource()).toThrow(ValidationError);
    const { fetch, source } = sourceFor('coinmarketcap', okBody('coinmarketcap', '90000', NOW));
    await source.fetchQuote();
    expect(fetch.calls[0]?.headers['x-cmc_pro_api_key']).toBe('cmc-key');
  });

  it.each([
    [
      'an array under data["1"]',
      (b: string) => b.replace('"data":{"1":{', '"data":{"1":[{').replace('}}}}}', '}}}]}}'),
    ],
    [
      'data.BTC as an array (by symbol)',
      (b: string) => b.replace('"data":{"1":{', '"data":{"BTC":[{').replace('}}}}}', '}}}]}}'),
    ],
    [
      'quote as an array (v3)',
      (b: string) => b.replace('"quote":{"EUR":{', '"quote":[{"symbol":"EUR",').replace('}}}}}', '}]}}}'),
    ],
  ])('reads %s', async (_name, edit) => {
    const body = edit(okBody('coinmarketcap', '90000.5', NOW));
    expect(JSON.parse(body)).toBeTruthy();
    expect((await sourceFor('coinmarketcap', body).source.fetchQuote()).rate.toFixed()).toBe('90000.5');
  });

  it('checks status.error_code even on HTTP 200', async () => {
    const error = await failure(sourceFor('coinmarketcap', errorBodyOn200('coinmarketcap') ?? '').source);
    expect(error.reason).toBe('provider error: 1002 API key missing.');
  });
});
