/**
 * CoinGecko simple/price for bitcoin in EUR with `last_updated_at`. The price is a JSON number:
 * it is read from the literal text, never through a float. Demo and Pro keys have their own hosts.
 */
import { RateSourceError, ValidationError } from '../../errors.js';
import { cleanText, fetchJson, resolveSourceConfig } from './http-json.js';
import type { RateSource, RateSourceConfig } from './rate-source.js';
import { checkedQuote, field, parseRateText, parseUnixSeconds } from './validate-quote.js';

const NAME = 'coingecko';
const HOSTS = { demo: 'https://api.coingecko.com', pro: 'https://pro-api.coingecko.com' } as const;
const HEADERS = { demo: 'x-cg-demo-api-key', pro: 'x-cg-pro-api-key' } as const;

/** CoinGecko options: the shared ones plus the key's plan. */
export interface CoinGeckoSourceConfig extends RateSourceConfig {
  /** Which plan `apiKey` belongs to: picks the host and the header (mixing them gives errors 10010/10011). Default is `'demo'`. */
  readonly plan?: 'demo' | 'pro';
}

function coingeckoError(body: unknown): string | undefined {
  const status = field(body, 'status');
  const code = field(status, 'error_code');
  if (code !== undefined && code !== '0')
    return `${String(code)} ${String(field(status, 'error_message') ?? '')}`.trim();
  const error = field(body, 'error');
  if (typeof error === 'string') return error;
  return undefined;
}

/**
 * CoinGecko (API key recommended; keyless use is shared and throttled): `bitcoin.eur`, fresh per `bitcoin.last_updated_at`.
 * @example createCoinGeckoSource({ apiKey: process.env.COINGECKO_KEY, plan: 'demo' })
 */
export function createCoinGeckoSource(config?: CoinGeckoSourceConfig): RateSource {
  const plan = config?.plan ?? 'demo';
  if (plan !== 'demo' && plan !== 'pro')
    throw new ValidationError('plan', `expected 'demo' or 'pro', got ${String(plan)}`);
  const c = resolveSourceConfig(config, HOSTS[plan]);
  const headers: Record<string, string> = c.apiKey ? { [HEADERS[plan]]: c.apiKey } : {};
  const secrets = [c.apiKey];
  return Object.freeze({
    name: NAME,
    async fetchQuote(signal?: AbortSignal) {
      const body = await fetchJson(
        `${c.baseUrl}/api/v3/simple/price?ids=bitcoin&vs_currencies=eur&include_last_updated_at=true`,
        {
          source: NAME,
          timeoutMs: c.timeoutMs,
          fetch: c.fetch,
          headers,
          signal,
          secrets,
          errorMessage: coingeckoError,
        },
      );
      const now = c.clock.now();
      const error = coingeckoError(body);
      if (error !== undefined) throw new RateSourceError(NAME, `provider error: ${cleanText(error, secrets)}`);
      const bitcoin = field(body, 'bitcoin');
      const rate = parseRateText(NAME, field(bitcoin, 'eur'), 'bitcoin.eur');
      const quotedAt = parseUnixSeconds(NAME, field(bitcoin, 'last_updated_at'), 'bitcoin.last_updated_at');
      return checkedQuote(NAME, rate, { now, quotedAt, maxAgeMs: c.maxAgeMs });
    },
  });
}
