/**
 * The PostgreSQL Store on pg + Kysely's PostgresDialect: versioned migrations under an advisory
 * lock, exact bigint msat and numeric EUR, transactions on one client of the pool (serialized within
 * one store, as the port promises), driver errors mapped to StoreError/StoreConflictError.
 */
import { createAsyncSlot } from '../../async-slot.js';
import { createPostgresRebalanceRepository, rebalanceStatements } from './rebalance-repository.js';
import type { StoreMaintenance } from '../maintenance.js';
import { createPostgresMaintenance } from './maintenance.js';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { StoreError, ValidationError } from '../../errors.js';
import type { Repositories, Store } from '../store.js';
import {
  inTransaction,
  rootContext,
  runQuery,
  transactionContext,
  type PostgresContext,
  type PostgresPool,
} from './context.js';
import { mapPostgresError } from './errors.js';
import { createPostgresInvoiceRepository, invoiceStatements } from './invoice-repository.js';
import {
  createEventLogListening,
  type EventLogListening,
  createPostgresEventLogRepository,
  createPostgresLeaseRepository,
  leadershipStatements,
} from './leadership-repositories.js';
import { migratePostgres, quoteIdent } from './migrate.js';
import {
  createPostgresCheckpointRepository,
  createPostgresPaymentRepository,
  paymentStatements,
} from './payment-repository.js';
import type { ListCache } from './list-arms.js';
import type { RepositoryEnv } from './repository-env.js';
import type { PostgresSchema } from './schema.js';
import { createPostgresEndpointRepository, endpointStatements } from './webhook-endpoint-repository.js';
import { createPostgresOutboxRepository, outboxStatements } from './webhook-outbox-repository.js';
import { createPostgresNodeRepository, nodeStatements } from './node-repository.js';

/** How to reach the database: a connection string lnkit opens a pool for (and ends), or your pool. */
export type PostgresStoreConfig =
  | {
      /** e.g. `postgres://user:password@host:5432/shop`. */
      readonly connectionString: string;
      /** Connections in lnkit's pool. Default is 10. */
      readonly max?: number;
    }
  | {
      /**
       * A `pg.Pool` you own: `close()` leaves it open. lnkit reads every value with its own parsers,
       * so the pool's (or `pg.types`') type parsers do not matter.
       */
      readonly pool: PostgresPool;
    };

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /** The schema lnkit's tables live in (created by `migrate()` when missing). Default is `public`. */
  readonly schema?: string;
}

type AnyFn = (...args: never[]) => Promise<unknown>;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function openPool(config: PostgresStoreConfig): { pool: PostgresPool; owns: boolean } {
  if (config === null || typeof config !== 'object')
    throw new ValidationError('config', `expected { connectionString } or { pool }, got ${String(config)}`);
  if ('pool' in config && config.pool !== undefined) {
    const pool = config.pool as Partial<PostgresPool> | null;
    if (
      pool === null ||
      typeof pool !== 'object' ||
      typeof pool.connect !== 'function' ||
      typeof pool.query !== 'function'
    )
      throw new ValidationError('pool', 'expected a pg.Pool');
    return { pool: config.pool, owns: false };
  }
  const { connectionString, max = 10 } = config as { connectionString?: unknown; max?: number };
  if (typeof connectionString !== 'string' || connectionString.length === 0)
    throw new ValidationError(
      'connectionString',
      `expected a postgres:// URL, got ${typeof connectionString === 'string' ? '""' : typeof connectionString}`,
    );
  if (!Number.isInteger(max) || max < 1)
    throw new ValidationError('max', `expected a positive integer, got ${String(max)}`);
  const pool = new pg.Pool({ connectionString, max });
  // An idle client that loses its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return { pool: pool as unknown as PostgresPool, owns: true };
}

function createRepositories(
  env: RepositoryEnv,
  sql: ReturnType<typeof buildStatements>,
  listening: EventLogListening,
): Repositories {
  return {
    invoices: createPostgresInvoiceRepository(env, sql.invoices),
    payments: createPostgresPaymentRepository(env, sql.payments),
    checkpoints: createPostgresCheckpointRepository(env, sql.payments),
    webhookEndpoints: createPostgresEndpointRepository(env, sql.endpoints),
    webhookOutbox: createPostgresOutboxRepository(env, sql.outbox),
    nodes: createPostgresNodeRepository(env, sql.nodes),
    leases: createPostgresLeaseRepository(env, sql.leadership),
    events: createPostgresEventLogRepository(env, sql.leadership, listening),
    rebalances: createPostgresRebalanceRepository(env, sql.rebalances),
  };
}

function buildStatements(s: string) {
  return {
    invoices: invoiceStatements(s),
    payments: paymentStatements(s),
    endpoints: endpointStatements(s),
    outbox: outboxStatements(s),
    nodes: nodeStatements(s),
    leadership: leadershipStatements(s),
    rebalances: rebalanceStatements(s),
  };
}

/**
 * Creates a PostgreSQL store. Connects lazily; call `migrate()` before use (`lightning.start()` does).
 * Several processes may share one database and schema: migrations run once under an advisory lock,
 * `webhookOutbox.claimDue` spreads webhook delivery over them, and `events.watch` (LISTEN/NOTIFY, one
 * pooled connection held per watching process) wakes every process's event feed on each append.
 * @throws {ValidationError} on a bad config or schema name
 * @example
 * const store = createPostgresStore({ connectionString: process.env.DATABASE_URL! }, { schema: 'lnkit' });
 * await store.migrate();
 */
export function createPostgresStore(config: PostgresStoreConfig, options: PostgresStoreOptions = {}): Store {
  const schemaName = options.schema ?? 'public';
  if (typeof schemaName !== 'string' || !SCHEMA_NAME.test(schemaName))
    throw new ValidationError(
      'schema',
      `expected a name of letters, digits and _ (not starting with a digit, at most 63), got ${JSON.stringify(schemaName)}`,
    );
  const { pool, owns } = openPool(config);
  const schema = quoteIdent(schemaName);
  // Kysely compiles the list queries; lnkit runs every statement itself (see context.ts).
  const db = new Kysely<PostgresSchema>({
    dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }),
  }).withSchema(schemaName);
  const sql = buildStatements(schema);
  const names = new Map<string, string>();
  const lists: ListCache = new Map();
  const env = (ctx: PostgresContext): RepositoryEnv => ({ ctx, db, schema, names, lists });
  const insideTransaction = createAsyncSlot<true>();
  let queue: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;

  function assertUsable(what: string): void {
    if (closing) throw new StoreError(`postgres store is closed: cannot ${what}`);
    if (insideTransaction.get()) {
      throw new StoreError(
        `postgres store: ${what} was called on the store inside transaction(); use the tx argument (nesting is not supported)`,
      );
    }
  }

  /** `isActive` (transaction repositories): false once the transaction has committed or rolled back. */
  function guard(repos: Repositories, isOuter: boolean, isActive: () => boolean = () => true): Repositories {
    const out: Record<string, Record<string, AnyFn>> = {};
    for (const [name, repo] of Object.entries(repos) as [string, Record<string, AnyFn>][]) {
      const wrapped: Record<string, AnyFn> = {};
      for (const [method, impl] of Object.entries(repo)) {
        const label = `${name}.${method}`;
        wrapped[method] = async (...args: never[]) => {
          if (isOuter) assertUsable(label);
          else if (closing) throw new StoreError(`postgres store is closed: cannot ${label}`);
          else if (!isActive()) throw new StoreError(`postgres store: ${label} was called after its transaction ended`);
          try {
            return await impl.apply(repo, args);
          } catch (error) {
            throw mapPostgresError(error, label);
          }
        };
      }
      out[name] = wrapped;
    }
    return out as unknown as Repositories;
  }

  /** Runs `fn` after every transaction queued before it (one transaction at a time per store). */
  function serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  }

  const listening = createEventLogListening(pool, schemaName);
  const outer = guard(createRepositories(env(rootContext(pool)), sql, listening), true);
  const maintenance = guard(
    { maintenance: createPostgresMaintenance(pool, schemaName, schema) } as unknown as Repositories,
    true,
  ) as unknown as { maintenance: StoreMaintenance };

  return {
    ...outer,
    maintenance: maintenance.maintenance,
    async migrate() {
      assertUsable('migrate');
      try {
        await migratePostgres(pool, schemaName);
      } catch (error) {
        throw mapPostgresError(error, 'migrate');
      }
    },
    async transaction(fn) {
      assertUsable('transaction');
      return serialized(async () => {
        if (closing) throw new StoreError('postgres store is closed: cannot transaction');
        let failedInside = false;
        let userError: unknown;
        let failedStatement: unknown;
        try {
          return await inTransaction(pool, async (client) => {
            let active = true;
            const ctx = transactionContext(client, (error) => (failedStatement ??= error));
            const tx = guard(createRepositories(env(ctx), sql, listening), false, () => active);
            let result: Awaited<ReturnType<typeof fn>>;
            try {
              result = await insideTransaction.run(true, () => fn(tx));
            } catch (error) {
              failedInside = true;
              userError = error;
              throw error;
            } finally {
              active = false;
            }
            if (failedStatement !== undefined) {
              // The server aborted the transaction at that statement: nothing after it was written.
              const reason = failedStatement instanceof Error ? failedStatement.message : String(failedStatement);
              throw new StoreError(
                `postgres transaction: rolled back because a statement in it failed (${reason}) and the callback went on`,
                { cause: failedStatement },
              );
            }
            return result;
          });
        } catch (error) {
          // The callback's own error (rolled back) is rethrown as is; begin/commit failures are mapped.
          if (failedInside && error === userError) throw error;
          throw mapPostgresError(error, 'transaction');
        }
      });
    },
    async ping() {
      assertUsable('ping');
      try {
        // The write probe: a read-only (replica, `default_transaction_read_only`) or full database fails here.
        await runQuery(
          pool,
          `INSERT INTO ${schema}.store_heartbeat (id, at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at`,
        );
      } catch (error) {
        throw mapPostgresError(error, 'ping');
      }
    },
    close() {
      closing ??= (async () => {
        await queue;
        await listening.stopAll();
        if (owns) await pool.end();
      })().catch((error: unknown) => {
        throw mapPostgresError(error, 'close');
      });
      return closing;
    },
  };
}
