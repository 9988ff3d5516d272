/**
 * Small tools to break a correct Store in one place: replace a repository method (outside and
 * inside transactions alike), map what a repository returns, or keep the caller's objects.
 */
import { StoreConflictError, StoreError, isLightningError } from '../../src/errors.js';
import type { Repositories, Store } from '../../src/store/store.js';
import type { Mutant } from './harness.js';

/** A Store mutant. */
export type StoreMutant = Mutant<Store>;

type RepoName = keyof Repositories;
type AnyMethod = (...args: never[]) => Promise<unknown>;
type Rewrite = (repos: Repositories) => Repositories;

/** The store with `rewrite` applied to its repositories and to every transaction's `tx`. */
export function rewriteStore(store: Store, rewrite: Rewrite): Store {
  return {
    ...store,
    ...rewrite(store),
    transaction: (fn) => store.transaction((tx) => fn(rewrite(tx))),
  };
}

/** A mutant from a rewrite of the repositories. */
export function mutant(name: string, killedBy: readonly string[], ...rewrites: Rewrite[]): StoreMutant {
  return {
    name,
    killedBy,
    wrap: (store) => rewriteStore(store, (repos) => rewrites.reduce((r, rewrite) => rewrite(r), repos)),
  };
}

/** Replaces `repo.method` with `replace(original, repos)`. */
export function patch<K extends RepoName, M extends keyof Repositories[K] & string>(
  repo: K,
  method: M,
  replace: (original: Repositories[K][M], repos: Repositories) => Repositories[K][M],
): Rewrite {
  return (repos) => {
    const target = repos[repo] as unknown as Record<string, AnyMethod>;
    const original = target[method]!.bind(target) as unknown as Repositories[K][M];
    return { ...repos, [repo]: { ...target, [method]: replace(original, repos) } };
  };
}

/** Wraps every method of `repo`. */
export function wrapAll(repo: RepoName, wrap: (original: AnyMethod, method: string) => AnyMethod): Rewrite {
  return (repos) => {
    const target = repos[repo] as unknown as Record<string, AnyMethod>;
    const wrapped = Object.fromEntries(
      Object.entries(target).map(([method, fn]) => [method, wrap(fn.bind(target) as AnyMethod, method)]),
    );
    return { ...repos, [repo]: wrapped };
  };
}

/** Applies `field` to every field of every record a method of `repo` returns (rows, lists, pages). */
export function mapFields(repo: RepoName, field: (value: unknown) => unknown): Rewrite {
  const mapRecord = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(mapRecord);
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.items) && 'nextCursor' in record) return { ...record, items: record.items.map(mapRecord) };
    if (typeof record.id !== 'string') return value;
    return Object.fromEntries(Object.entries(record).map(([key, v]) => [key, field(v)]));
  };
  return wrapAll(
    repo,
    (original) =>
      async (...args) =>
        mapRecord(await original(...args)),
  );
}

/** `undefined` (not found) comes back as `null`, as many drivers return it. */
export const missingAsNull = (repo: RepoName): Rewrite =>
  wrapAll(
    repo,
    (original) =>
      async (...args) =>
        (await original(...args)) ?? null,
  );

/** A unique violation is swallowed (`INSERT … ON CONFLICT DO NOTHING`): the call resolves, nothing is written. */
export const ignoreConflicts = (repo: RepoName): Rewrite =>
  wrapAll(repo, (original) => async (...args) => {
    try {
      return await original(...args);
    } catch (error) {
      if (isLightningError(error) && error.code === 'STORE_CONFLICT') return undefined;
      throw error;
    }
  });

/**
 * An identity map: the store remembers the objects it was given or returned, by id, and hands
 * those very objects back, so a caller mutating one changes what the store "holds".
 */
export function sharesObjects(repo: RepoName): () => Rewrite {
  return () => {
    const kept = new Map<string, object>();
    const remember = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(remember);
      if (typeof value !== 'object' || value === null) return value;
      const record = value as { id?: unknown; items?: unknown };
      if (Array.isArray(record.items)) return { ...record, items: record.items.map(remember) };
      if (typeof record.id !== 'string') return value;
      const known = kept.get(record.id);
      if (known) return known;
      kept.set(record.id, value);
      return value;
    };
    return wrapAll(repo, (original) => async (...args) => {
      args.forEach(remember);
      return remember(await original(...args));
    });
  };
}

/** A mutant whose rewrite needs fresh state per store (an identity map). */
export function statefulMutant(name: string, killedBy: readonly string[], make: () => Rewrite): StoreMutant {
  return {
    name,
    killedBy,
    wrap(store) {
      const rewrite = make();
      return rewriteStore(store, rewrite);
    },
  };
}

/** A conflict error, as an adapter would throw it. */
export const conflict = (what: string): StoreConflictError => new StoreConflictError(`mutant: duplicate ${what}`);

/** A store error, as an adapter would throw it. */
export const storeError = (what: string): StoreError => new StoreError(`mutant: ${what}`);

/** Every row a keyset list returns for `query`, following cursors. */
export async function everyRow<T>(
  list: (query: { limit: number; cursor?: string }) => Promise<{ items: readonly T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    rows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}
