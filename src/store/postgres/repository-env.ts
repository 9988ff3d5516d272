/**
 * What every PostgreSQL repository receives: the context to run statements on, Kysely (already
 * on the store's schema) to compile list queries, and the schema's quoted table names.
 */
import type { Kysely } from 'kysely';
import { statementName, type PostgresContext, type TextRow } from './context.js';
import type { ListCache } from './list-arms.js';
import type { PostgresSchema } from './schema.js';

/** A fixed statement and the name it is prepared under. */
export interface Statement {
  readonly text: string;
  readonly name: string;
}

/** Makes a named statement. */
export const statement = (text: string): Statement => ({ text, name: statementName(text) });

/** The repositories' environment. */
export interface RepositoryEnv {
  readonly ctx: PostgresContext;
  readonly db: Kysely<PostgresSchema>;
  /** Quoted schema, e.g. `"public"`; tables are `${schema}.invoices`. */
  readonly schema: string;
  /** Names of dynamic statements (updates), shared by the store's contexts. */
  readonly names: Map<string, string>;
  /** List statements compiled per shape, shared by the store's contexts. */
  readonly lists: ListCache;
}

/** Runs a fixed statement. */
export function run(env: RepositoryEnv, s: Statement, values: readonly unknown[]): Promise<TextRow[]> {
  return env.ctx.query(s.text, values, s.name);
}

/** Runs a dynamic statement (an update), prepared under a name derived from its text. */
export function runDynamic(env: RepositoryEnv, text: string, values: readonly unknown[]): Promise<TextRow[]> {
  let name = env.names.get(text);
  if (name === undefined) {
    // Patch shapes are few; past the bound a statement runs unnamed rather than prepared forever.
    if (env.names.size >= 256) return env.ctx.query(text, values);
    name = statementName(text);
    env.names.set(text, name);
  }
  return env.ctx.query(text, values, name);
}

/** Runs a query Kysely compiled: prepared under its name when it has one (a cached list shape), else unnamed. */
export function runCompiled(
  env: RepositoryEnv,
  compiled: { readonly sql: string; readonly parameters: readonly unknown[]; readonly name?: string },
): Promise<TextRow[]> {
  return env.ctx.query(compiled.sql, compiled.parameters, compiled.name);
}
