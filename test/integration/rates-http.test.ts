/**
 * The rate sources and createRateProvider against real HTTP servers on 127.0.0.1 that serve each
 * provider's real response shape, and the bad answers seen in the wild.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateSourceError, RateUnavailableError } from '../../src/errors.js';
import {
  createBitstampSource,
  createCoinbaseSource,
  createCoinGeckoSource,
  createCoinMarketCapSource,
  createKrakenSource,
  createRateProvider,
  rateProviderConformanceCases,
  type RateSource,
  type RateSourceConfig,
  type SourceErrorEvent,
} from '../../src/rates/index.js';
import {
  errorBodyOn200,
  HTML_502,
  okBody,
  PROVIDER_PATHS,
  type ProviderName,
} from '../../src/rates/sources/provider-fixtures.js';

const PROVIDERS = Object.keys(PROVIDER_PATHS) as ProviderName[];
const TIMED = new Set<ProviderName>(['bitstamp', 'coingecko', 'coinmarketcap']);
const SPREAD: Partial<Record<ProviderName, string>> = { kraken: '90000', bitstamp: '90100', coinbase: '120000' };
const BAD_PRICES: Record<string, string> = { nan: 'NaN', negative: '-87654.32', zero: '0', huge: '1e400' };

interface Seen {
  readonly scenario: string;
  readonly provider: ProviderName;
  readonly headers: IncomingHttpHeaders;
}

let server: Server;
let origin = '';
const seen: Seen[] = [];

/** `/<scenario>/<provider path>` → the answer that scenario calls for. */
function startServer(): Promise<void> {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    const slash = url.indexOf('/', 1);
    const scenario = url.slice(1, slash);
    const provider = PROVIDERS.find((p) => PROVIDER_PATHS[p] === url.slice(slash));
    if (!provider) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
      return;
    }
    seen.push({ scenario, provider, headers: req.headers });
    const json = (status: number, body: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    const now = Date.now();
    switch (scenario) {
      case 'hang':
        return; // never answers
      case 'html502':
        res.writeHead(502, { 'content-type': 'text/html' }).end(HTML_502);
        return;
      case 'ratelimit':
        return json(429, '{"status":{"error_code":429,"error_message":"You have exceeded the rate limit"}}', {
          'retry-after': '30',
        });
      case 'error200':
        return json(200, errorBodyOn200(provider) ?? '{}');
      case 'stale':
        return json(200, okBody(provider, '87654.32', now - 3_600_000));
      case 'spread':
        return json(200, okBody(provider, SPREAD[provider] ?? '90050', now - 5_000));
      case 'ok':
        return json(200, okBody(provider, '87654.32', now - 5_000));
      default:
        return json(200, okBody(provider, BAD_PRICES[scenario] ?? '87654.32', now - 5_000));
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

beforeAll(startServer);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function makeSource(provider: ProviderName, scenario: string, extra: RateSourceConfig = {}): RateSource {
  const config = { baseUrl: `${origin}/${scenario}`, ...extra };
  switch (provider) {
    case 'kraken':
      return createKrakenSource(config);
    case 'bitstamp':
      return createBitstampSource(config);
    case 'coinbase':
      return createCoinbaseSource(config);
    case 'coingecko':
      return createCoinGeckoSource({ apiKey: 'cg-demo-key', ...config });
    case 'coinmarketcap':
      return createCoinMarketCapSource({ apiKey: 'cmc-key', ...config });
  }
}

async function sourceError(source: RateSource): Promise<RateSourceError> {
  const error = await source.fetchQuote().then(
    () => new Error('expected a RateSourceError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RateSourceError);
  expect((error as RateSourceError).source).toBe(source.name);
  return error as RateSourceError;
}

describe.each(PROVIDERS)('%s over HTTP', (provider) => {
  it('reads the real response shape', async () => {
    const quote = await makeSource(provider, 'ok').fetchQuote();
    expect(quote.rate.toFixed()).toBe('87654.32');
    expect(quote.source).toBe(provider);
    expect(quote.quotedAt !== undefined).toBe(TIMED.has(provider));
    const request = seen.filter((s) => s.scenario === 'ok' && s.provider === provider).at(-1);
    if (provider === 'coingecko') expect(request?.headers['x-cg-demo-api-key']).toBe('cg-demo-key');
    if (provider === 'coinmarketcap') expect(request?.headers['x-cmc_pro_api_key']).toBe('cmc-key');
  });

  it.each([
    ['html502', /^expected HTTP 2xx, got HTTP 502 \(HTML page\)$/],
    ['ratelimit', /^rate limited \(HTTP 429\), Retry-After: 30$/],
    ['error200', /^provider error: /],
    ['nan', /as a decimal|malformed response/],
    ['negative', /expected a positive .*, got -87654.32/],
    ['zero', /expected a positive .*, got 0$/],
    ['huge', /within 1\.\.100000000 EUR\/BTC, got 1e400/],
  ])('%s → a typed error', async (scenario, reason) => {
    expect((await sourceError(makeSource(provider, scenario))).reason).toMatch(reason);
  });

  // Kraken and Coinbase send no timestamp, so only the others have a staleness case.
  if (TIMED.has(provider))
    it('a stale provider timestamp → a typed error', async () => {
      expect((await sourceError(makeSource(provider, 'stale'))).reason).toMatch(/^stale quote/);
    });

  it('a 10 s hang is cut at timeoutMs', async () => {
    const started = Date.now();
    expect((await sourceError(makeSource(provider, 'hang', { timeoutMs: 200 }))).reason).toBe('timed out after 200 ms');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('createRateProvider over HTTP', () => {
  it('excludes every kind of bad answer and prices from the good one, within timeoutMs', async () => {
    const errors: SourceErrorEvent[] = [];
    const rates = createRateProvider({
      sources: [
        makeSource('kraken', 'hang'),
        makeSource('bitstamp', 'html502'),
        makeSource('coinbase', 'ok'),
        makeSource('coingecko', 'ratelimit'),
        makeSource('coinmarketcap', 'error200'),
      ],
      timeoutMs: 200,
      onSourceError: (e) => errors.push(e),
    });
    const started = Date.now();
    const quote = await rates.getRate('BTC', 'EUR');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(quote).toMatchObject({ source: 'coinbase', sources: ['coinbase'], isStale: false });
    expect(quote.rate.toFixed()).toBe('87654.32');
    expect(Object.fromEntries(errors.map((e) => [e.source, e.error.reason]))).toEqual({
      kraken: 'timed out after 200 ms',
      bitstamp: 'expected HTTP 2xx, got HTTP 502 (HTML page)',
      coingecko: 'rate limited (HTTP 429), Retry-After: 30',
      coinmarketcap: 'provider error: 1002 API key missing.',
    });
  });

  it('90,000 / 90,100 / 120,000 → 120,000 dropped, 90,050 from kraken,bitstamp', async () => {
    const rates = createRateProvider({
      sources: (['kraken', 'bitstamp', 'coinbase'] as const).map((p) => makeSource(p, 'spread')),
      minSources: 2,
    });
    const quote = await rates.getRate('BTC', 'EUR');
    expect(quote.rate.toFixed()).toBe('90050');
    expect(quote).toMatchObject({ source: 'kraken,bitstamp', sources: ['kraken', 'bitstamp'] });
  });

  it('1,000 concurrent getRate calls → one request per source', async () => {
    const scenario = 'singleflight';
    const rates = createRateProvider({ sources: PROVIDERS.map((p) => makeSource(p, scenario)) });
    const quotes = await Promise.all(Array.from({ length: 1_000 }, () => rates.getRate('BTC', 'EUR')));
    expect(new Set(quotes.map((q) => q.rate.toFixed()))).toEqual(new Set(['87654.32']));
    expect(quotes[0]?.sources).toEqual(PROVIDERS);
    const counts = Object.fromEntries(
      PROVIDERS.map((p) => [p, seen.filter((s) => s.scenario === scenario && s.provider === p).length]),
    );
    expect(counts).toEqual(Object.fromEntries(PROVIDERS.map((p) => [p, 1])));
  });

  it('every source down and no fallback → RateUnavailableError', async () => {
    const rates = createRateProvider({
      sources: [makeSource('kraken', 'html502'), makeSource('bitstamp', 'stale'), makeSource('coinbase', 'zero')],
    });
    await expect(rates.getRate('BTC', 'EUR')).rejects.toBeInstanceOf(RateUnavailableError);
  });

  for (const c of rateProviderConformanceCases) {
    it(`conformance: ${c.name}`, () =>
      c.run(() => createRateProvider({ sources: PROVIDERS.map((p) => makeSource(p, 'ok')), minSources: 3 })));
  }
});
