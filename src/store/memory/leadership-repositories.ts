/**
 * The memory store's lease and event-log repositories, over a set of {@link Tables}. One memory
 * store is one process's store, so these matter for tests and for code written against the port.
 */
import type { EventLogRecord, EventLogRepository, LeaseClaim, LeaseRecord, LeaseRepository } from '../store.js';
import { checkLeaseTtl, checkReadLimit } from '../leadership-inputs.js';
import type { Tables } from './tables.js';

const copyLease = (lease: LeaseRecord): LeaseRecord => ({
  ...lease,
  acquiredAt: new Date(lease.acquiredAt.getTime()),
  renewedAt: new Date(lease.renewedAt.getTime()),
  expiresAt: new Date(lease.expiresAt.getTime()),
});

const copyRecord = (record: EventLogRecord): EventLogRecord => ({
  ...record,
  createdAt: new Date(record.createdAt.getTime()),
});

function leaseOf(claim: LeaseClaim, acquiredAt: Date): LeaseRecord {
  return {
    name: claim.name,
    owner: claim.owner,
    pid: claim.pid,
    host: claim.host,
    acquiredAt: new Date(acquiredAt.getTime()),
    renewedAt: new Date(claim.now.getTime()),
    expiresAt: new Date(claim.now.getTime() + claim.ttlMs),
  };
}

/** Creates the lease repository over `tables`. */
export function createMemoryLeaseRepository(tables: Tables): LeaseRepository {
  const rows = tables.leases;
  return {
    async tryAcquire(claim) {
      checkLeaseTtl(claim.ttlMs);
      const current = rows.get(claim.name);
      if (current && current.owner !== claim.owner && current.expiresAt.getTime() > claim.now.getTime()) {
        return copyLease(current);
      }
      const next = leaseOf(claim, current?.owner === claim.owner ? current.acquiredAt : claim.now);
      rows.set(claim.name, next);
      return copyLease(next);
    },
    async renew(claim) {
      checkLeaseTtl(claim.ttlMs);
      const current = rows.get(claim.name);
      if (!current || current.owner !== claim.owner) return undefined;
      const next = leaseOf(claim, current.acquiredAt);
      rows.set(claim.name, next);
      return copyLease(next);
    },
    async release(name, owner) {
      const current = rows.get(name);
      if (!current || current.owner !== owner) return false;
      rows.delete(name);
      return true;
    },
    async get(name) {
      const current = rows.get(name);
      return current && copyLease(current);
    },
  };
}

/** Creates the event-log repository over `tables`. */
export function createMemoryEventLogRepository(tables: Tables): EventLogRepository {
  const latest = (): bigint => tables.eventSeq.get('seq') ?? 0n;
  return {
    async append(records) {
      const seqs: bigint[] = [];
      let seq = latest();
      for (const record of records) {
        seq += 1n;
        tables.eventLog.set(seq.toString(), {
          seq,
          type: record.type,
          payload: record.payload,
          createdAt: new Date(record.createdAt.getTime()),
        });
        seqs.push(seq);
      }
      tables.eventSeq.set('seq', seq);
      return seqs;
    },
    async readAfter(after, limit) {
      checkReadLimit(limit);
      const found: EventLogRecord[] = [];
      for (let seq = after + 1n; seq <= latest() && found.length < limit; seq++) {
        const record = tables.eventLog.get(seq.toString());
        if (record) found.push(copyRecord(record));
      }
      return found;
    },
    async latestSeq() {
      return latest();
    },
    async getCursor(name) {
      return tables.eventCursors.get(name);
    },
    async setCursor(name, seq) {
      tables.eventCursors.set(name, seq);
    },
  };
}
