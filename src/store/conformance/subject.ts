/**
 * A "subject" is one kind of stored row (invoices, payments, webhook deliveries…) described for
 * the table-driven rules: how to make, write and read it back, and which optional capabilities
 * (patch updates, conditional updates, lists, hash lookups) its repository has. A rule is written
 * once against this shape and runs on every subject listed for it in `rule-table.ts`.
 */
import type { Page, Repositories, Store } from '../store.js';

/** A stored row; its key (an `id`, or a `name` for rows keyed by name) comes from {@link StoreSubject.keyOf}. */
export type Row = object;

/** One way the port reads a row back (by id, by payment hash, from a list…). */
export interface RowReader<R> {
  readonly label: string;
  read(repos: Repositories, row: R): Promise<R | undefined>;
}

/** A lookup that must find nothing; it resolves to `expected` (undefined, false, []). */
export interface Miss {
  readonly label: string;
  readonly expected: unknown;
  call(repos: Repositories): Promise<unknown>;
}

/** A row made from `first`: a duplicate of one of its unique keys, or an allowed look-alike. */
export interface Twin<R> {
  readonly label: string;
  make(first: R): R;
}

/** A repository whose `update(id, patch)` applies a partial patch. */
export interface UpdateCapability<R> {
  /** Applies `patch` to the stored `row` (found by its key). */
  apply(repos: Repositories, row: R, patch: Readonly<Record<string, unknown>>): Promise<R | undefined>;
  /** Every field a patch may set. */
  readonly keys: readonly string[];
  /** A patch giving every field in `keys` a new value. */
  change(row: R): Readonly<Record<string, unknown>>;
  /** A patch setting every nullable field in `keys` to null. */
  readonly clear: Readonly<Record<string, unknown>>;
}

/** A repository whose `update` takes `{ fromStatus }`. */
export interface ConditionalCapability<R> {
  /** A row in `status`. */
  make(status: string): R;
  /** `update(key, { status }, { fromStatus })` on the stored `row`. */
  setStatus(repos: Repositories, row: R, status: string, fromStatus: readonly string[]): Promise<R | undefined>;
  /** Three distinct statuses. */
  readonly statuses: readonly [string, string, string];
}

/** The query every keyset list of the port accepts. */
export interface SubjectListQuery {
  readonly limit?: number;
  readonly cursor?: string;
  readonly status?: string | readonly string[];
}

/** A repository with a newest-first keyset list (its rows have `id` and `createdAt`). */
export interface ListCapability<R> {
  /** A row created at `createdAt` in `status`. */
  make(createdAt: Date, status: string): R;
  list(repos: Repositories, query: SubjectListQuery): Promise<Page<R>>;
  /** Three distinct statuses. */
  readonly statuses: readonly [string, string, string];
}

/** A repository with `getByPaymentHash`. */
export interface HashCapability<R> {
  hashOf(row: R): string;
  find(repos: Repositories, row: R, paymentHash: string): Promise<R | undefined>;
}

/** One row kind, described for the rules. */
export interface StoreSubject<R extends Row = Row> {
  /** The prefix of its case names: `'payments'`, `'webhookOutbox deliveries'`. */
  readonly name: string;
  /** The row's unique key (its `id`, for most rows). */
  keyOf(row: R): string;
  /** A complete row with fresh unique keys and every nullable field set; `overrides` win. */
  make(overrides?: Partial<R>): R;
  /** Rows at the edges of every value type (bigint near 2.1e18, Date ms, Decimal text, JSON, nulls). */
  samples(): readonly R[];
  /** Writes `row`, first creating what it depends on (a delivery's event, an attempt's delivery). */
  insert(repos: Repositories, row: R): Promise<void>;
  /** Every way the port reads one row back; the first is the lookup by id. */
  readonly readers: readonly [RowReader<R>, ...RowReader<R>[]];
  /** Lookups that find nothing: `absent` was never written, `present` was. */
  misses(absent: R, present: R): readonly Miss[];
  /** Rows that break a unique key of `first`. */
  readonly conflicts: readonly Twin<R>[];
  /** Rows that resemble `first` and must still be accepted (null keys, the other direction). */
  readonly lookalikes: readonly Twin<R>[];
  readonly update?: UpdateCapability<R>;
  readonly conditional?: ConditionalCapability<R>;
  readonly list?: ListCapability<R>;
  readonly byHash?: HashCapability<R>;
}

/** The optional capabilities a rule may need. */
export type Capability = 'update' | 'conditional' | 'list' | 'byHash';

/** A subject that has the capabilities `C`. */
export type SubjectWith<C extends Capability, R extends Row = Row> = StoreSubject<R> & {
  readonly [K in C]-?: NonNullable<StoreSubject<R>[K]>;
};

/** A rule written once for every subject that has the capabilities `C`. */
export interface StoreRule<C extends Capability = never> {
  /** The rule in plain words; a case is named `<subject>: <title>`. */
  readonly title: string;
  /** Runs the rule on `subject` against a fresh, migrated store (closed afterwards by the caller). */
  run(subject: SubjectWith<C>, store: Store): Promise<void>;
}

/** The name of the case that runs `rule` on `subject`. */
export function ruleCaseName(rule: { readonly title: string }, subject: { readonly name: string }): string {
  return `${subject.name}: ${rule.title}`;
}
