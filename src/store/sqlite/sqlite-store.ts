// size-exempt: the store root wires repositories, transactions, nesting detection and maintenance on one connection; the parts live beside it
/**
 * The SQLite Store on Kysely + better-sqlite3: WAL, versioned migrations, exact bigint msat,
 * serialized `BEGIN IMMEDIATE` transactions, driver errors mapped to StoreError/StoreConflictError.
 */
import { createSqliteRebalanceRepository } from './rebalance-repository.js';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { StoreError, ValidationError } from '../../errors.js';
import type { StoreMaintenance } from '../maintenance.js';
import type { Repositories, Store } from '../store.js';
import { beginImmediateAsync, rootContext, runImmediate, transactionContext, type SqliteContext } from './context.js';
import { createStatementCache, toKyselyDatabase } from './database-adapter.js';
import { mapSqliteError } from './errors.js';
import { createSqliteMaintenance, preferIncrementalVacuum } from './maintenance.js';
import { createSqliteInvoiceRepository } from './invoice-repository.js';
import { createSqliteEventLogRepository, createSqliteLeaseRepository } from './leadership-repositories.js';
import { createSqliteMigrator, MIGRATION_TABLE, sqliteMigrations } from './migrations/index.js';
import { createSqliteCheckpointRepository, createSqlitePaymentRepository } from './payment-repository.js';
import type { SqliteSchema } from './schema.js';
import { createSqliteEndpointRepository } from './webhook-endpoint-repository.js';
import { createSqliteOutboxRepository } from './webhook-outbox-repository.js';
import { createSqliteNodeRepository } from './node-repository.js';
import { fileIdentity, sameFile, type FileIdentity } from './file-identity.js';

/** How to reach the database: a file lnkit opens (and closes), or a handle you own. */
export type SqliteStoreConfig =
  | {
      /** Path of the database file (created when missing), or `':memory:'`. */
      readonly filename: string;
      /** How long a write waits for another process's lock. Default is 5000. */
      readonly busyTimeoutMs?: number;
    }
  | {
      /**
       * An open better-sqlite3 handle. lnkit sets WAL, synchronous, busy_timeout and
       * foreign_keys on it, and `close()` leaves it open: you close it.
       */
      readonly database: Database.Database;
      /** Default is 5000. */
      readonly busyTimeoutMs?: number;
    };

type AnyFn = (...args: never[]) => Promise<unknown>;

/** How long a root call waits for the transaction in progress before it is taken for a call nested in it. */
const NESTED_WAIT_MS = 60_000;

function openDatabase(config: SqliteStoreConfig): { database: Database.Database; owns: boolean } {
  if (config === null || typeof config !== 'object')
    throw new ValidationError('config', `expected { filename } or { database }, got ${String(config)}`);
  if ('database' in config && config.database !== undefined) {
    const db = config.database as Partial<Database.Database> | null;
    if (db === null || typeof db !== 'object' || typeof db.prepare !== 'function' || typeof db.pragma !== 'function') {
      throw new ValidationError('database', 'expected an open better-sqlite3 Database');
    }
    if (!config.database.open)
      throw new ValidationError('database', 'expected an open better-sqlite3 Database, got a closed one');
    return { database: config.database, owns: false };
  }
  const filename = (config as { filename?: unknown }).filename;
  if (typeof filename !== 'string' || filename.length === 0) {
    throw new ValidationError(
      'filename',
      `expected a file path or ':memory:', got ${typeof filename === 'string' ? '""' : typeof filename}`,
    );
  }
  try {
    return { database: new Database(filename), owns: true };
  } catch (error) {
    throw new StoreError(`sqlite: cannot open database: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

function createRepositories(ctx: SqliteContext): Repositories {
  return {
    invoices: createSqliteInvoiceRepository(ctx),
    payments: createSqlitePaymentRepository(ctx),
    checkpoints: createSqliteCheckpointRepository(ctx),
    webhookEndpoints: createSqliteEndpointRepository(ctx),
    webhookOutbox: createSqliteOutboxRepository(ctx),
    nodes: createSqliteNodeRepository(ctx),
    leases: createSqliteLeaseRepository(ctx),
    events: createSqliteEventLogRepository(ctx),
    rebalances: createSqliteRebalanceRepository(ctx),
  };
}

/** True when every migration lnkit knows is recorded as applied (then `migrate()` takes no write lock). */
function allMigrationsApplied(prepare: (sqlText: string) => Database.Statement): boolean {
  let applied: Set<string>;
  try {
    const rows = prepare(`SELECT name FROM ${MIGRATION_TABLE}`).all() as { name: string }[];
    applied = new Set(rows.map((row) => row.name));
  } catch {
    return false; // a new file: no migration table yet
  }
  return Object.keys(sqliteMigrations).every((name) => applied.has(name));
}

/**
 * Creates a SQLite store. Opens the database now (synchronously); call `migrate()` before use.
 * With `{ database }`, your handle stays open after `close()`.
 * @throws {ValidationError} on a bad config
 * @throws {StoreError} when the file cannot be opened
 * @example
 * const store = createSqliteStore({ filename: './lnkit.db' });
 * await store.migrate();
 */
export function createSqliteStore(config: SqliteStoreConfig): Store {
  const { database, owns } = openDatabase(config);
  const busyTimeoutMs = config.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0)
    throw new ValidationError('busyTimeoutMs', `expected a non-negative integer, got ${String(busyTimeoutMs)}`);
  try {
    // A new file gives pruned space back to the file system (#18); existing ones switch on `lnkit db vacuum`.
    preferIncrementalVacuum(database);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    database.pragma('foreign_keys = ON');
  } catch (error) {
    if (owns) database.close();
    throw mapSqliteError(error, 'open');
  }

  // The file as opened: `ping()` fails when it was deleted or replaced under the running process.
  const opened: FileIdentity | null = fileIdentity(database);
  const statements = createStatementCache(database);
  const db = new Kysely<SqliteSchema>({
    dialect: new SqliteDialect({ database: toKyselyDatabase(database, statements, owns) }),
  });
  // A root call made inside transaction() would wait forever for the connection the transaction
  // holds. It is caught without AsyncLocalStorage (which switches on promise hooks process-wide and
  // doubled the cost of every await on the settlement and invoice paths): at once when made while the
  // callback is being called, else when it has waited NESTED_WAIT_MS for the transaction in progress.
  let closing: Promise<void> | undefined;
  let callingCallback = false;
  let inProgress: Promise<unknown> | null = null;

  const nestedError = (what: string): StoreError =>
    new StoreError(
      `sqlite store: ${what} was called on the store inside transaction(); use the tx argument (nesting is not supported)`,
    );

  function assertUsable(what: string): void {
    if (closing) throw new StoreError(`sqlite store is closed: cannot ${what}`);
    if (callingCallback) throw nestedError(what);
  }

  /** Waits for the transaction in progress, if any; a wait past NESTED_WAIT_MS means a nested call. */
  async function outsideTransaction(what: string): Promise<void> {
    const current = inProgress;
    if (current === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), NESTED_WAIT_MS)));
    try {
      const outcome = await Promise.race([
        current.then(
          () => 'done',
          () => 'done',
        ),
        expired,
      ]);
      if (outcome === 'expired') throw nestedError(what);
    } finally {
      clearTimeout(timer);
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
          if (isOuter) {
            assertUsable(label);
            if (inProgress !== null) await outsideTransaction(label);
          } else if (closing) throw new StoreError(`sqlite store is closed: cannot ${label}`);
          else if (!isActive()) throw new StoreError(`sqlite store: ${label} was called after its transaction ended`);
          try {
            return await impl.apply(repo, args);
          } catch (error) {
            throw mapSqliteError(error, label);
          }
        };
      }
      out[name] = wrapped;
    }
    return out as unknown as Repositories;
  }

  // Cached statements: `database.pragma()` prepares its statement on every call, twice per transaction.
  const begin = beginImmediateAsync(
    (ms) => statements.prepare(`PRAGMA busy_timeout = ${ms}`).get(),
    busyTimeoutMs,
    statements.prepare,
  );
  const outer = guard(createRepositories(rootContext(db, statements, begin, () => database.inTransaction)), true);
  const maintenance = guard(
    { maintenance: createSqliteMaintenance({ db, prepare: statements.prepare, database }) } as unknown as Repositories,
    true,
  ) as unknown as { maintenance: StoreMaintenance };

  return {
    ...outer,
    maintenance: maintenance.maintenance,
    async migrate() {
      assertUsable('migrate');
      if (allMigrationsApplied(statements.prepare)) return;
      // Kysely runs SQLite migrations with neither a transaction nor a lock: two processes starting on
      // a new file both ran 001 and one failed ("table invoices already exists"). One BEGIN IMMEDIATE
      // around the whole run serializes them (the second waits up to busyTimeoutMs, then finds every
      // migration applied) and makes a failed run leave nothing half-done.
      let failed = 'migrations';
      try {
        await runImmediate(
          db,
          async (conn) => {
            const { error, results } = await createSqliteMigrator(conn).migrateToLatest();
            if (error !== undefined) {
              failed = results?.find((r) => r.status === 'Error')?.migrationName ?? failed;
              throw error;
            }
          },
          begin,
          statements.prepare,
        );
      } catch (error) {
        throw new StoreError(
          `sqlite migrate: ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    },
    async transaction(fn) {
      assertUsable('transaction');
      if (inProgress !== null) await outsideTransaction('transaction');
      let failedInside = false;
      let userError: unknown;
      try {
        return await runImmediate(
          db,
          async (conn) => {
            let active = true;
            let ended: () => void = () => undefined;
            inProgress = new Promise<void>((resolve) => (ended = resolve));
            const tx = guard(createRepositories(transactionContext(conn, statements)), false, () => active);
            try {
              callingCallback = true;
              let pending: ReturnType<typeof fn>;
              try {
                pending = fn(tx);
              } finally {
                callingCallback = false;
              }
              const result = await pending;
              // A commit into a deleted or replaced file "succeeds" and is lost at the next start: refuse it.
              const problem = opened && sameFile(opened);
              if (problem) throw new StoreError(`sqlite transaction: ${problem}`);
              return result;
            } catch (error) {
              failedInside = true;
              userError = error;
              throw error;
            } finally {
              active = false;
              inProgress = null;
              ended();
            }
          },
          begin,
          statements.prepare,
        );
      } catch (error) {
        // The callback's own error (rolled back) is rethrown as is; begin/commit failures are mapped.
        if (failedInside && error === userError) throw error;
        throw mapSqliteError(error, 'transaction');
      }
    },
    async ping() {
      assertUsable('ping');
      if (opened) {
        const problem = sameFile(opened);
        if (problem) throw new StoreError(`sqlite ping: ${problem}`);
      }
      try {
        // The write probe: a read-only, full or locked database fails here, not on the next settlement.
        await runImmediate(db, async (conn) => {
          await sql`INSERT INTO store_heartbeat (id, at) VALUES (1, ${Date.now()}) ON CONFLICT (id) DO UPDATE SET at = excluded.at`.execute(
            conn,
          );
          // Room to grow: a row spanning new pages, rolled back (the heartbeat above commits).
          await sql`SAVEPOINT lnkit_probe`.execute(conn);
          let failure: unknown = null;
          await sql`INSERT OR REPLACE INTO store_heartbeat (id, at, probe) VALUES (2, 0, zeroblob(16384))`
            .execute(conn)
            .catch((error: unknown) => (failure = error));
          // SQLITE_FULL may have rolled the whole transaction back already: then there is no savepoint.
          await sql`ROLLBACK TO lnkit_probe`.execute(conn).catch(() => undefined);
          await sql`RELEASE lnkit_probe`.execute(conn).catch(() => undefined);
          if (failure !== null) throw failure;
        });
      } catch (error) {
        throw mapSqliteError(error, 'ping');
      }
    },
    close() {
      closing ??= db
        .destroy()
        .then(() => {
          // Kysely closes the handle only if it ever ran a query; close ours in any case.
          if (owns && database.open) database.close();
        })
        .catch((error: unknown) => {
          throw mapSqliteError(error, 'close');
        });
      return closing;
    },
  };
}
