/**
 * The PostgreSQL lease and event-log repositories.
 *
 * A lease is taken with one upsert whose update applies only when the lease expired or is already
 * the claimer's (the row lock of ON CONFLICT makes concurrent claims take turns, so one wins).
 *
 * Event log visibility: a bigserial alone is not in commit order (transaction A takes seq 10, B
 * takes 11 and commits first; a reader that saw 11 would skip 10 forever). So `append` first takes a
 * transaction-level advisory lock, held until its transaction ends: appenders take turns, each one's
 * seqs are drawn after the previous one committed, and seq order is commit order.
 */
import type { EventLogRecord, EventLogRepository, LeaseClaim, LeaseRecord, LeaseRepository } from '../store.js';
import { checkLeaseTtl, checkReadLimit } from '../leadership-inputs.js';
import { createHash } from 'node:crypto';
import type { PostgresClient, PostgresPool, TextRow } from './context.js';
import { ADVISORY_KEY_SQL, advisoryKeyText, quoteIdent } from './migrate.js';
import { run, statement, type RepositoryEnv, type Statement } from './repository-env.js';
import { bigintOf, dateOf, intOf, text } from './values.js';

type LeadershipStatementName =
  'claim' | 'renew' | 'get' | 'release' | 'lock' | 'append' | 'notify' | 'read' | 'latest' | 'cursorGet' | 'cursorSet';

const LEASE_COLUMNS = 'name, owner, pid, host, acquired_at, renewed_at, expires_at';

/** The fixed statements of the lease and event-log repositories in quoted schema `s`. */
export function leadershipStatements(s: string): Readonly<Record<LeadershipStatementName, Statement>> {
  return {
    claim: statement(
      `INSERT INTO ${s}.leases AS l (${LEASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $5, $6)
       ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, pid = EXCLUDED.pid, host = EXCLUDED.host,
         acquired_at = CASE WHEN l.owner = EXCLUDED.owner THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
         renewed_at = EXCLUDED.renewed_at, expires_at = EXCLUDED.expires_at
       WHERE l.owner = EXCLUDED.owner OR l.expires_at <= EXCLUDED.renewed_at`,
    ),
    renew: statement(
      `UPDATE ${s}.leases SET pid = $3, host = $4, renewed_at = $5, expires_at = $6
       WHERE name = $1 AND owner = $2 RETURNING ${LEASE_COLUMNS}`,
    ),
    get: statement(`SELECT ${LEASE_COLUMNS} FROM ${s}.leases WHERE name = $1`),
    release: statement(`DELETE FROM ${s}.leases WHERE name = $1 AND owner = $2 RETURNING name`),
    lock: statement(`SELECT pg_advisory_xact_lock(${ADVISORY_KEY_SQL})`),
    append: statement(
      `INSERT INTO ${s}.event_log (type, payload, created_at)
       SELECT type, payload, created_at
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS r(type, payload, created_at, n)
       ORDER BY n RETURNING seq`,
    ),
    // Sent at commit (never for a rollback); equal notifications of one transaction are folded into one.
    notify: statement(`SELECT pg_notify($1, '')`),
    read: statement(`SELECT seq, type, payload, created_at FROM ${s}.event_log WHERE seq > $1 ORDER BY seq LIMIT $2`),
    latest: statement(`SELECT coalesce(max(seq), 0) AS seq FROM ${s}.event_log`),
    cursorGet: statement(`SELECT seq FROM ${s}.event_cursors WHERE name = $1`),
    cursorSet: statement(
      `INSERT INTO ${s}.event_cursors (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET seq = EXCLUDED.seq`,
    ),
  };
}

type Statements = ReturnType<typeof leadershipStatements>;

const toLease = (row: TextRow): LeaseRecord => ({
  name: text(row, 'name'),
  owner: text(row, 'owner'),
  pid: intOf(row, 'pid'),
  host: text(row, 'host'),
  acquiredAt: dateOf(row, 'acquired_at'),
  renewedAt: dateOf(row, 'renewed_at'),
  expiresAt: dateOf(row, 'expires_at'),
});

const toRecord = (row: TextRow): EventLogRecord => ({
  seq: bigintOf(row, 'seq'),
  type: text(row, 'type'),
  payload: text(row, 'payload'),
  createdAt: dateOf(row, 'created_at'),
});

const claimValues = (c: LeaseClaim): unknown[] => [
  c.name,
  c.owner,
  c.pid,
  c.host,
  c.now,
  new Date(c.now.getTime() + c.ttlMs),
];

/** Creates the lease repository on `env`. */
export function createPostgresLeaseRepository(env: RepositoryEnv, sql: Statements): LeaseRepository {
  return {
    async tryAcquire(claim) {
      checkLeaseTtl(claim.ttlMs);
      const [row] = await env.ctx.atomic(async (query) => {
        await query(sql.claim.text, claimValues(claim), sql.claim.name);
        return query(sql.get.text, [claim.name], sql.get.name);
      });
      return toLease(row!);
    },
    async renew(claim) {
      checkLeaseTtl(claim.ttlMs);
      const [row] = await run(env, sql.renew, claimValues(claim));
      return row && toLease(row);
    },
    async release(name, owner) {
      return (await run(env, sql.release, [name, owner])).length > 0;
    },
    async get(name) {
      const [row] = await run(env, sql.get, [name]);
      return row && toLease(row);
    },
  };
}

/** The LISTEN side of the event log, shared by a store's repositories. */
export interface EventLogListening {
  /** The NOTIFY channel of this schema's event log. */
  readonly channel: string;
  /** Starts a listener (see {@link EventLogRepository.watch}). */
  watch(onAppend: () => void): Promise<() => Promise<void>>;
}

/** The NOTIFY channel of the event log in `schema` (an identifier under 63 bytes whatever the schema's name). */
export function eventLogChannel(schema: string): string {
  return `lnkit_events_${createHash('sha256').update(schema).digest('hex').slice(0, 24)}`;
}

/** A client checked out for LISTEN: pg's client emits `notification`, `error` and `end`. */
interface ListeningClient extends PostgresClient {
  on(event: 'notification', fn: (message: { channel: string }) => void): unknown;
  on(event: 'error' | 'end', fn: (error?: Error) => void): unknown;
  removeAllListeners?(event?: string): unknown;
}

/**
 * Listens on `channel` with one client held out of `pool` per watcher (a pool needs one connection
 * more per watching process). A dropped connection is replaced every `retryMs` until it works again,
 * then `onAppend` runs once (anything committed in between is read by the caller's next read).
 */
export function createEventLogListening(
  pool: PostgresPool,
  schema: string,
  retryMs = 1000,
): EventLogListening & {
  /** Stops every watcher (the store's close). */
  stopAll(): Promise<void>;
} {
  const channel = eventLogChannel(schema);
  const stops = new Set<() => Promise<void>>();
  return {
    channel,
    async watch(onAppend) {
      let stopped = false;
      let client: ListeningClient | null = null;
      let timer: ReturnType<typeof setTimeout> | null = null;
      const drop = (c: ListeningClient, error?: Error): void => {
        if (client !== c) return;
        client = null;
        c.removeAllListeners?.('notification');
        c.release(error ?? true);
        if (!stopped) retry();
      };
      const connect = async (): Promise<boolean> => {
        let c: ListeningClient | null = null;
        try {
          c = (await pool.connect()) as ListeningClient;
          if (typeof c.on !== 'function') {
            // Not a pg client: no notifications from this pool; readers poll.
            c.release();
            return true;
          }
          const held = c;
          held.on('notification', (message) => {
            if (message.channel === channel) onAppend();
          });
          held.on('error', (error) => drop(held, error));
          held.on('end', () => drop(held));
          client = held;
          await held.query({ text: `LISTEN ${quoteIdent(channel)}` });
          if (stopped) drop(held);
          return true;
        } catch {
          if (c && client === c) drop(c);
          else if (c) c.release(true);
          return false;
        }
      };
      const retry = (): void => {
        timer = setTimeout(() => {
          timer = null;
          if (stopped) return;
          void connect().then((ok) => {
            if (ok) onAppend();
            else if (!stopped) retry();
          });
        }, retryMs);
        timer.unref?.();
      };
      if (!(await connect())) retry();
      const stop = async (): Promise<void> => {
        if (stopped) return;
        stopped = true;
        stops.delete(stop);
        if (timer !== null) clearTimeout(timer);
        const c = client;
        if (c) {
          await c.query({ text: `UNLISTEN ${quoteIdent(channel)}` }).catch(() => undefined);
          drop(c);
        }
      };
      stops.add(stop);
      return stop;
    },
    async stopAll() {
      await Promise.all([...stops].map((stop) => stop()));
    },
  };
}

/** Creates the event-log repository on `env`; appends NOTIFY `listening.channel`. */
export function createPostgresEventLogRepository(
  env: RepositoryEnv,
  sql: Statements,
  listening: EventLogListening,
): EventLogRepository {
  const lockKey = advisoryKeyText(env.schema, 'event_log');
  return {
    watch: (onAppend) => listening.watch(onAppend),
    async append(records) {
      if (records.length === 0) return [];
      const rows = await env.ctx.atomic(async (query) => {
        await query(sql.lock.text, [lockKey], sql.lock.name);
        const rows = await query(
          sql.append.text,
          [records.map((r) => r.type), records.map((r) => r.payload), records.map((r) => r.createdAt)],
          sql.append.name,
        );
        await query(sql.notify.text, [listening.channel], sql.notify.name);
        return rows;
      });
      return rows.map((row) => bigintOf(row, 'seq')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },
    async readAfter(after, limit) {
      checkReadLimit(limit);
      return (await run(env, sql.read, [after, limit])).map(toRecord);
    },
    async latestSeq() {
      const [row] = await run(env, sql.latest, []);
      return bigintOf(row!, 'seq');
    },
    async getCursor(name) {
      const [row] = await run(env, sql.cursorGet, [name]);
      return row && bigintOf(row, 'seq');
    },
    async setCursor(name, seq) {
      await run(env, sql.cursorSet, [name, seq]);
    },
  };
}
