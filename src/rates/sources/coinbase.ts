/**
 * Coinbase spot price for BTC-EUR (`/buy` and `/sell` include Coinbase's fee, so never those).
 */
import { RateSourceError } from '../../errors.js';
import { cleanText, fetchJson, resolveSourceConfig } from './http-json.js';
import type { RateSource, RateSourceConfig } from './rate-source.js';
import { checkedQuote, describeValue, field, parseRateText } from './validate-quote.js';

const NAME = 'coinbase';

function coinbaseErrors(body: unknown): string | undefined {
  const errors = field(body, 'errors');
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.map((e) => String(field(e, 'message') ?? field(e, 'id') ?? 'error')).join('; ');
}

/**
 * Coinbase (no key): `data.amount` of `/v2/prices/BTC-EUR/spot`.
 * @example createCoinbaseSource()
 */
export function createCoinbaseSource(config?: RateSourceConfig): RateSource {
  const c = resolveSourceConfig(config, 'https://api.coinbase.com');
  return Object.freeze({
    name: NAME,
    async fetchQuote(signal?: AbortSignal) {
      const body = await fetchJson(`${c.baseUrl}/v2/prices/BTC-EUR/spot`, {
        source: NAME,
        timeoutMs: c.timeoutMs,
        fetch: c.fetch,
        signal,
        errorMessage: coinbaseErrors,
      });
      const now = c.clock.now();
      const errors = coinbaseErrors(body);
      if (errors !== undefined) throw new RateSourceError(NAME, `provider error: ${cleanText(errors)}`);
      const data = field(body, 'data');
      for (const [key, expected] of [
        ['base', 'BTC'],
        ['currency', 'EUR'],
      ] as const) {
        const got = field(data, key);
        if (got !== undefined && got !== expected)
          throw new RateSourceError(NAME, `expected data.${key} ${expected}, got ${describeValue(got)}`);
      }
      const rate = parseRateText(NAME, field(data, 'amount'), 'data.amount');
      return checkedQuote(NAME, rate, { now, maxAgeMs: c.maxAgeMs });
    },
  });
}
