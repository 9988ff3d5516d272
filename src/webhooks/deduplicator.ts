/**
 * Idempotent receivers: remember `webhook-id`s so a retried or replayed webhook is processed once.
 */
import { WebhookInputError } from './webhook-verification-error.js';

/**
 * Where processed ids live. `claim` must be atomic (Redis `SET id 1 NX PX ttl`, SQL
 * `INSERT … ON CONFLICT DO NOTHING`) so two concurrent deliveries cannot both win.
 */
export interface WebhookDedupStore {
  /** Records `id` for `ttlMs` unless already present. Returns true when this call recorded it. */
  claim(id: string, ttlMs: number): boolean | Promise<boolean>;
  /** Forgets `id` (the handler failed, so the sender's retry must be processed). */
  release(id: string): void | Promise<void>;
}

/** Options of {@link createWebhookDeduplicator}. */
export interface WebhookDeduplicatorConfig {
  /** How long an id is remembered. At least the verify tolerance (300 s) for replay protection; days for business idempotency. */
  readonly ttlMs: number;
  /** Default is an in-memory store (one process; lost on restart). */
  readonly store?: WebhookDedupStore;
  /** Milliseconds since the epoch, for the memory store. Default is `Date.now`. */
  readonly now?: () => number;
}

/** Result of {@link WebhookDeduplicator.run}. */
export type WebhookDedupResult<T> = { readonly duplicate: false; readonly result: T } | { readonly duplicate: true };

/** Processes each `webhook-id` at most once within `ttlMs`. */
export interface WebhookDeduplicator {
  /** Claims `id`: true the first time (process it), false for a duplicate (answer 2xx and skip). */
  claim(id: string): Promise<boolean>;
  /** Forgets `id`, e.g. after the handler failed. */
  release(id: string): Promise<void>;
  /** Runs `handler` unless `id` was already claimed; releases the claim when `handler` throws. */
  run<T>(id: string, handler: () => T | Promise<T>): Promise<WebhookDedupResult<T>>;
}

/**
 * An in-memory {@link WebhookDedupStore}: ids expire in insertion order, so pruning is O(1) amortized.
 * @param now milliseconds since the epoch
 */
export function createMemoryDedupStore(now: () => number = Date.now): WebhookDedupStore {
  const expiries = new Map<string, number>();
  const prune = (t: number): void => {
    for (const [id, expiresAt] of expiries) {
      if (expiresAt > t) break;
      expiries.delete(id);
    }
  };
  return {
    claim(id, ttlMs) {
      const t = now();
      prune(t);
      const expiresAt = expiries.get(id);
      if (expiresAt !== undefined && expiresAt > t) return false;
      expiries.delete(id);
      expiries.set(id, t + ttlMs);
      return true;
    },
    release(id) {
      expiries.delete(id);
    },
  };
}

/**
 * Creates a deduplicator keyed by `webhook-id`. Claim after verifying the signature, never before.
 * @throws {WebhookInputError} when `ttlMs` is not a positive number
 * @example
 * const dedup = createWebhookDeduplicator({ ttlMs: 3 * 24 * 3600_000 });
 * const outcome = await dedup.run(event.id, () => fulfilOrder(event.data));
 */
export function createWebhookDeduplicator(config: WebhookDeduplicatorConfig): WebhookDeduplicator {
  const { ttlMs } = config;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new WebhookInputError(`ttlMs: expected a positive number of milliseconds, got ${String(ttlMs)}`);
  }
  const store = config.store ?? createMemoryDedupStore(config.now);
  const check = (id: string): void => {
    if (typeof id !== 'string' || id === '')
      throw new WebhookInputError(`id: expected a non-empty webhook-id, got ${JSON.stringify(id)}`);
  };
  const dedup: WebhookDeduplicator = {
    async claim(id) {
      check(id);
      return await store.claim(id, ttlMs);
    },
    async release(id) {
      check(id);
      await store.release(id);
    },
    async run(id, handler) {
      if (!(await dedup.claim(id))) return { duplicate: true };
      try {
        return { duplicate: false, result: await handler() };
      } catch (error) {
        await store.release(id);
        throw error;
      }
    },
  };
  return dedup;
}
