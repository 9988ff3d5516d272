/**
 * Bitstamp v2 ticker for btceur: string prices and a Unix `timestamp` (string).
 */
import { RateSourceError } from '../../errors.js';
import { cleanText, fetchJson, resolveSourceConfig } from './http-json.js';
import type { RateSource, RateSourceConfig } from './rate-source.js';
import { checkedQuote, field, parseRateText, parseUnixSeconds } from './validate-quote.js';

const NAME = 'bitstamp';

function bitstampError(body: unknown): string | undefined {
  if (field(body, 'status') !== 'error') return undefined;
  const reason = field(body, 'reason') ?? field(body, 'errors');
  const code = field(body, 'code');
  return `${typeof code === 'string' ? `${code} ` : ''}${typeof reason === 'string' ? reason : JSON.stringify(reason ?? 'error')}`;
}

/**
 * Bitstamp (no key): `last` of btceur, with the provider `timestamp` checked for freshness.
 * @example createBitstampSource({ timeoutMs: 2_000 })
 */
export function createBitstampSource(config?: RateSourceConfig): RateSource {
  const c = resolveSourceConfig(config, 'https://www.bitstamp.net');
  return Object.freeze({
    name: NAME,
    async fetchQuote(signal?: AbortSignal) {
      const body = await fetchJson(`${c.baseUrl}/api/v2/ticker/btceur/`, {
        source: NAME,
        timeoutMs: c.timeoutMs,
        fetch: c.fetch,
        signal,
        errorMessage: bitstampError,
      });
      const now = c.clock.now();
      const error = bitstampError(body);
      if (error !== undefined) throw new RateSourceError(NAME, `provider error: ${cleanText(error)}`);
      const rate = parseRateText(NAME, field(body, 'last'), 'last');
      const quotedAt = parseUnixSeconds(NAME, field(body, 'timestamp'), 'timestamp');
      return checkedQuote(NAME, rate, { now, quotedAt, maxAgeMs: c.maxAgeMs });
    },
  });
}
