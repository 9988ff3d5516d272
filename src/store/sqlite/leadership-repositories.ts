/**
 * The SQLite lease and event-log repositories. A lease is taken with one upsert whose update only
 * applies when the lease expired or is already the claimer's, so two processes on one file cannot
 * both win; the event log's seq is an AUTOINCREMENT key, in commit order under SQLite's one writer.
 */
import type { EventLogRecord, EventLogRepository, LeaseClaim, LeaseRecord, LeaseRepository } from '../store.js';
import { checkLeaseTtl, checkReadLimit } from '../leadership-inputs.js';
import type { SqliteContext } from './context.js';
import { big, num } from './rows.js';

interface LeaseRow {
  name: string;
  owner: string;
  pid: bigint;
  host: string;
  acquired_at: bigint;
  renewed_at: bigint;
  expires_at: bigint;
}

interface EventRow {
  seq: bigint;
  type: string;
  payload: string;
  created_at: bigint;
}

const LEASE_CLAIM = `INSERT INTO leases (name, owner, pid, host, acquired_at, renewed_at, expires_at)
  VALUES (@name, @owner, @pid, @host, @now, @now, @expires)
  ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
    acquired_at = CASE WHEN leases.owner = excluded.owner THEN leases.acquired_at ELSE excluded.acquired_at END,
    renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
  WHERE leases.owner = excluded.owner OR leases.expires_at <= excluded.renewed_at`;
const LEASE_RENEW = `UPDATE leases SET pid = @pid, host = @host, renewed_at = @now, expires_at = @expires
  WHERE name = @name AND owner = @owner RETURNING *`;
const LEASE_GET = 'SELECT * FROM leases WHERE name = ?';
const LEASE_RELEASE = 'DELETE FROM leases WHERE name = ? AND owner = ?';
/** Rows per multi-row event-log INSERT at most (3 parameters each, far below SQLite's limit). */
const APPEND_CHUNK = 256;
const appendStatements: string[] = [];
/** `INSERT INTO event_log … VALUES (?, ?, ?), … RETURNING seq` for `rows` rows, built once per size. */
function appendSql(rows: number): string {
  return (appendStatements[rows] ??=
    `INSERT INTO event_log (type, payload, created_at) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?)').join(', ')} RETURNING seq`);
}
const EVENT_READ = 'SELECT seq, type, payload, created_at FROM event_log WHERE seq > ? ORDER BY seq LIMIT ?';
const EVENT_SEQS = 'SELECT seq FROM event_log WHERE seq > ? ORDER BY seq LIMIT ?';
const EVENT_LATEST = 'SELECT coalesce(max(seq), 0) AS seq FROM event_log';
const CURSOR_GET = 'SELECT seq FROM event_cursors WHERE name = ?';
const CURSOR_SET =
  'INSERT INTO event_cursors (name, seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq';

function toLease(row: LeaseRow): LeaseRecord {
  return {
    name: row.name,
    owner: row.owner,
    pid: num(row.pid),
    host: row.host,
    acquiredAt: new Date(num(row.acquired_at)),
    renewedAt: new Date(num(row.renewed_at)),
    expiresAt: new Date(num(row.expires_at)),
  };
}

const toRecord = (row: EventRow): EventLogRecord => ({
  seq: big(row.seq),
  type: row.type,
  payload: row.payload,
  createdAt: new Date(num(row.created_at)),
});

const params = (claim: LeaseClaim) => ({
  name: claim.name,
  owner: claim.owner,
  pid: claim.pid,
  host: claim.host,
  now: claim.now.getTime(),
  expires: claim.now.getTime() + claim.ttlMs,
});

/** Creates the lease repository on `ctx`. */
export function createSqliteLeaseRepository(ctx: SqliteContext): LeaseRepository {
  return {
    async tryAcquire(claim) {
      checkLeaseTtl(claim.ttlMs);
      return ctx.atomic(() => {
        ctx.statement(LEASE_CLAIM).run(params(claim));
        return toLease(ctx.statement(LEASE_GET).get(claim.name) as LeaseRow);
      });
    },
    async renew(claim) {
      checkLeaseTtl(claim.ttlMs);
      const row = await ctx.hold(() => ctx.statement(LEASE_RENEW).get(params(claim)) as LeaseRow | undefined);
      return row && toLease(row);
    },
    async release(name, owner) {
      const result = await ctx.hold(() => ctx.statement(LEASE_RELEASE).run(name, owner));
      return result.changes > 0;
    },
    async get(name) {
      const row = await ctx.hold(() => ctx.statement(LEASE_GET).get(name) as LeaseRow | undefined);
      return row && toLease(row);
    },
  };
}

/** Creates the event-log repository on `ctx`. */
export function createSqliteEventLogRepository(ctx: SqliteContext): EventLogRepository {
  return {
    async append(records) {
      if (records.length === 0) return [];
      // One multi-row INSERT per chunk (a power of two, so a handful of cached statements serve every
      // batch size). The seqs are drawn in row order under the write lock; RETURNING's order is not
      // guaranteed, so they are sorted back into it.
      return ctx.atomic(() => {
        const seqs: bigint[] = [];
        for (let start = 0; start < records.length;) {
          let size = APPEND_CHUNK;
          while (size > records.length - start) size >>= 1;
          const params: unknown[] = [];
          for (let i = start; i < start + size; i++) {
            const r = records[i]!;
            params.push(r.type, r.payload, r.createdAt.getTime());
          }
          const rows = ctx.statement(appendSql(size)).all(params) as { seq: bigint }[];
          const chunk = rows.map((row) => big(row.seq)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          for (const seq of chunk) seqs.push(seq);
          start += size;
        }
        return seqs;
      });
    },
    async readAfter(after, limit) {
      checkReadLimit(limit);
      const rows = await ctx.hold(() => ctx.statement(EVENT_READ).all(after, limit) as EventRow[]);
      return rows.map(toRecord);
    },
    async readSeqsAfter(after, limit) {
      checkReadLimit(limit);
      // The rowid alone: no payload is read. Rows as arrays (one value each), no row objects.
      const rows = await ctx.hold(() => ctx.rawStatement(EVENT_SEQS).all(after, limit) as [bigint][]);
      return rows.map((row) => big(row[0]));
    },
    async latestSeq() {
      const row = await ctx.hold(() => ctx.statement(EVENT_LATEST).get() as { seq: bigint });
      return big(row.seq);
    },
    async getCursor(name) {
      const row = await ctx.hold(() => ctx.statement(CURSOR_GET).get(name) as { seq: bigint } | undefined);
      return row && big(row.seq);
    },
    async setCursor(name, seq) {
      await ctx.hold(() => ctx.statement(CURSOR_SET).run(name, seq));
    },
  };
}
