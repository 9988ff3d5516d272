/**
 * One GET of a provider's JSON API, bounded by a timeout, with every failure turned into a
 * RateSourceError whose reason says what happened (never the URL or the API key).
 */
import { RateSourceError, ValidationError } from '../../errors.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { parseJsonKeepingNumbers } from './json-text.js';
import { DEFAULT_MAX_AGE_MS } from './validate-quote.js';
import type { RateSourceConfig } from './rate-source.js';

/** Default bound on one provider request. */
export const DEFAULT_SOURCE_TIMEOUT_MS = 5_000;
const MAX_BODY_CHARS = 1_000_000;

/** Options of {@link fetchJson}. */
export interface FetchJsonOptions {
  /** Source name used in errors. */
  readonly source: string;
  /** Bound on the request including the body. */
  readonly timeoutMs: number;
  /** Extra request headers (API keys go here). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The fetch implementation. Default is the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** Aborts the request (the composite's timeout). */
  readonly signal?: AbortSignal;
  /** Strings to blank out of any provider text put into a reason (the API key). */
  readonly secrets?: readonly (string | undefined)[];
  /** Extracts a provider error message from a JSON error body, for non-2xx answers. */
  readonly errorMessage?: (body: unknown) => string | undefined;
}

/** Makes provider text safe and short for an error reason. */
export function cleanText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  out = out.replace(/[^\x20-\x7e]/g, '?');
  return out.length > 160 ? `${out.slice(0, 160)}…` : out;
}

/**
 * GETs `url` and parses the JSON body with numbers kept as text ({@link parseJsonKeepingNumbers}).
 * @throws {RateSourceError} on timeout, network error, 429 (with Retry-After), non-2xx, HTML or non-JSON body
 */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<unknown> {
  const { source, timeoutMs } = options;
  const timeoutSignal = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeoutSignal]) : timeoutSignal;
  const doFetch = options.fetch ?? globalThis.fetch;
  let status: number;
  let retryAfter: string | null;
  let text: string;
  try {
    const response = await doFetch(url, { headers: { accept: 'application/json', ...options.headers }, signal });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    text = await response.text();
  } catch (error) {
    if (timeoutSignal.aborted) throw new RateSourceError(source, `timed out after ${timeoutMs} ms`, { cause: error });
    if (options.signal?.aborted) throw new RateSourceError(source, 'request aborted', { cause: error });
    const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    const detail = typeof code === 'string' ? code : error instanceof Error ? error.message : 'unknown';
    throw new RateSourceError(source, `network error: ${cleanText(detail, options.secrets)}`, { cause: error });
  }
  const isHtml = /^\s*</.test(text);
  if (status === 429) {
    const after = retryAfter && /^[\w ,:+-]{1,40}$/.test(retryAfter) ? `, Retry-After: ${retryAfter}` : '';
    throw new RateSourceError(source, `rate limited (HTTP 429)${after}`);
  }
  if (status < 200 || status > 299) {
    let detail = isHtml ? ' (HTML page)' : '';
    if (!isHtml && options.errorMessage) {
      try {
        const message = options.errorMessage(parseJsonKeepingNumbers(text));
        if (message) detail = `: ${cleanText(message, options.secrets)}`;
      } catch {
        // not JSON: the status alone says enough
      }
    }
    throw new RateSourceError(source, `expected HTTP 2xx, got HTTP ${status}${detail}`);
  }
  if (text.length > MAX_BODY_CHARS)
    throw new RateSourceError(source, `malformed response: body over ${MAX_BODY_CHARS} characters`);
  try {
    return parseJsonKeepingNumbers(text);
  } catch (error) {
    const what = isHtml ? 'an HTML page' : text.trim() === '' ? 'an empty body' : 'text that is not JSON';
    throw new RateSourceError(source, `malformed response: expected JSON, got ${what} (HTTP ${status})`, {
      cause: error,
    });
  }
}

/** A source's config with defaults applied. */
export interface ResolvedSourceConfig {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly maxAgeMs: number;
  readonly clock: Clock;
}

function positiveMs(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(field, `expected a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}

/**
 * Validates a source config and applies defaults.
 * @throws {ValidationError} on a bad baseUrl, timeoutMs, maxAgeMs or an empty apiKey
 */
export function resolveSourceConfig(
  config: RateSourceConfig | undefined,
  defaultBaseUrl: string,
): ResolvedSourceConfig {
  const c = config ?? {};
  const baseUrl = c.baseUrl ?? defaultBaseUrl;
  let parsed: URL | undefined;
  try {
    parsed = new URL(baseUrl);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ValidationError(
      'baseUrl',
      `expected an http(s) URL, got ${JSON.stringify(String(baseUrl).slice(0, 60))}`,
    );
  }
  if (c.apiKey !== undefined && (typeof c.apiKey !== 'string' || c.apiKey.trim() === '')) {
    throw new ValidationError('apiKey', 'expected a non-empty string');
  }
  if (c.fetch !== undefined && typeof c.fetch !== 'function') throw new ValidationError('fetch', 'expected a function');
  return Object.freeze({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: c.apiKey,
    timeoutMs: positiveMs(c.timeoutMs, 'timeoutMs', DEFAULT_SOURCE_TIMEOUT_MS),
    fetch: c.fetch,
    maxAgeMs: positiveMs(c.maxAgeMs, 'maxAgeMs', DEFAULT_MAX_AGE_MS),
    clock: c.clock ?? systemClock,
  });
}
