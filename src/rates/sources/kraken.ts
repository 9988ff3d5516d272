/**
 * Kraken public Ticker for XBTEUR. Prices are strings; errors arrive in `error` with HTTP 200;
 * the result key (`XXBTZEUR`) differs from the pair sent, so it is read, not assumed.
 */
import { RateSourceError } from '../../errors.js';
import { cleanText, fetchJson, resolveSourceConfig } from './http-json.js';
import type { RateSource, RateSourceConfig } from './rate-source.js';
import { checkedQuote, describeValue, field, parseRateText } from './validate-quote.js';

const NAME = 'kraken';

function krakenErrors(body: unknown): string | undefined {
  const errors = field(body, 'error');
  return Array.isArray(errors) && errors.length > 0 ? errors.map(String).join('; ') : undefined;
}

/** Picks the BTC/EUR entry of `result`: the only key, or the one naming XBT/BTC and EUR. */
function pickTicker(result: unknown): unknown {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    throw new RateSourceError(NAME, `expected result to be an object, got ${describeValue(result)}`);
  }
  const keys = Object.keys(result);
  const key = keys.length === 1 ? keys[0] : keys.find((k) => /(XBT|BTC)/.test(k) && /EUR$/.test(k));
  if (key === undefined)
    throw new RateSourceError(NAME, `expected one XBT/EUR pair in result, got keys ${describeValue(keys.join(','))}`);
  return field(result, key);
}

/**
 * Kraken (no key): last trade price `c[0]` of XBT/EUR, checked against bid ≤ ask.
 * @example createRateProvider({ sources: [createKrakenSource(), createBitstampSource()] })
 */
export function createKrakenSource(config?: RateSourceConfig): RateSource {
  const c = resolveSourceConfig(config, 'https://api.kraken.com');
  return Object.freeze({
    name: NAME,
    async fetchQuote(signal?: AbortSignal) {
      const body = await fetchJson(`${c.baseUrl}/0/public/Ticker?pair=XBTEUR`, {
        source: NAME,
        timeoutMs: c.timeoutMs,
        fetch: c.fetch,
        signal,
        errorMessage: krakenErrors,
      });
      const now = c.clock.now();
      const errorText = krakenErrors(body);
      if (errorText !== undefined) throw new RateSourceError(NAME, `provider error: ${cleanText(errorText)}`);
      const ticker = pickTicker(field(body, 'result'));
      const last = field(ticker, 'c');
      const rate = parseRateText(NAME, Array.isArray(last) ? last[0] : undefined, 'last trade price c[0]');
      const ask = field(ticker, 'a');
      const bid = field(ticker, 'b');
      if (Array.isArray(ask) && Array.isArray(bid)) {
        const askRate = parseRateText(NAME, ask[0], 'ask a[0]');
        const bidRate = parseRateText(NAME, bid[0], 'bid b[0]');
        if (bidRate.gt(askRate))
          throw new RateSourceError(
            NAME,
            `expected bid ≤ ask, got bid ${bidRate.toFixed()} > ask ${askRate.toFixed()}`,
          );
      }
      return checkedQuote(NAME, rate, { now, maxAgeMs: c.maxAgeMs });
    },
  });
}
