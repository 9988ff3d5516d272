/**
 * CoinMarketCap quotes/latest for id 1 (BTC; symbols are not unique) converted to EUR.
 * `status.error_code` is checked even on HTTP 200; the price is a JSON number read from its text.
 */
import { RateSourceError, ValidationError } from '../../errors.js';
import { cleanText, fetchJson, resolveSourceConfig } from './http-json.js';
import type { RateSource, RateSourceConfig } from './rate-source.js';
import { checkedQuote, describeValue, field, parseIsoTime, parseRateText } from './validate-quote.js';

const NAME = 'coinmarketcap';

function cmcError(body: unknown): string | undefined {
  const status = field(body, 'status');
  const code = field(status, 'error_code');
  if (code === undefined || code === null || code === '0') return undefined;
  return `${String(code)} ${String(field(status, 'error_message') ?? '')}`.trim();
}

/** `data['1']` (v2 by id: an object, or an array of one), or `data.BTC` (v1/v2 by symbol). */
function pickAsset(data: unknown): unknown {
  const entry = field(data, '1') ?? field(data, 'BTC');
  const asset = Array.isArray(entry) ? (entry.find((e) => field(e, 'id') === '1') ?? entry[0]) : entry;
  if (asset === undefined) throw new RateSourceError(NAME, `expected data["1"] for BTC, got ${describeValue(data)}`);
  return asset;
}

/** `quote.EUR` (object form), or the EUR entry of an array of quotes (v3 form). */
function pickEurQuote(asset: unknown): unknown {
  const quote = field(asset, 'quote');
  if (Array.isArray(quote)) return quote.find((q) => field(q, 'symbol') === 'EUR');
  return field(quote, 'EUR');
}

/**
 * CoinMarketCap (API key required): `data["1"].quote.EUR.price`, fresh per `last_updated`.
 * @throws {ValidationError} when no `apiKey` is given
 * @example createCoinMarketCapSource({ apiKey: process.env.CMC_KEY })
 */
export function createCoinMarketCapSource(config?: RateSourceConfig): RateSource {
  const c = resolveSourceConfig(config, 'https://pro-api.coinmarketcap.com');
  if (!c.apiKey) throw new ValidationError('apiKey', 'expected a CoinMarketCap API key, got nothing');
  const headers = { 'X-CMC_PRO_API_KEY': c.apiKey };
  const secrets = [c.apiKey];
  return Object.freeze({
    name: NAME,
    async fetchQuote(signal?: AbortSignal) {
      const body = await fetchJson(`${c.baseUrl}/v2/cryptocurrency/quotes/latest?id=1&convert=EUR`, {
        source: NAME,
        timeoutMs: c.timeoutMs,
        fetch: c.fetch,
        headers,
        signal,
        secrets,
        errorMessage: cmcError,
      });
      const now = c.clock.now();
      const error = cmcError(body);
      if (error !== undefined) throw new RateSourceError(NAME, `provider error: ${cleanText(error, secrets)}`);
      const eur = pickEurQuote(pickAsset(field(body, 'data')));
      const rate = parseRateText(NAME, field(eur, 'price'), 'quote.EUR.price');
      const quotedAt = parseIsoTime(NAME, field(eur, 'last_updated'), 'quote.EUR.last_updated');
      return checkedQuote(NAME, rate, { now, quotedAt, maxAgeMs: c.maxAgeMs });
    },
  });
}
