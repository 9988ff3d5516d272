/**
 * The floor under `invoices.create` for any library that keeps its invoices in SQLite: after each
 * AddInvoice, the invoice's row and one event-log row carrying it, written with raw better-sqlite3
 * on lnkit's schema (same pragmas), the rows answered while the previous transaction ran committed
 * together (group commit, as lnkit does). No validation, no rate, no inbound check, no events on a bus.
 */
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

/** What AddInvoice answers, as raw grpc-js (proto-loader, LND's options) hands it over. */
export interface RawAddInvoiceResponse {
  readonly r_hash: Buffer | Uint8Array;
  readonly payment_request: string;
  readonly add_index: string;
}

/** The raw store: `record` resolves once the invoice's rows are committed. */
export interface RawInvoiceStore {
  record(added: RawAddInvoiceResponse, amountMsat: bigint, description: string): Promise<void>;
  close(): void;
}

const COLUMNS = [
  'id',
  'payment_hash',
  'payment_request',
  'amount_msat',
  'description',
  'status',
  'is_hold',
  'add_index',
  'created_at',
  'expires_at',
] as const;

/** Opens `file` (migrated by lnkit first, so the schema and its indexes are lnkit's own). */
export async function openRawInvoiceStore(file: string): Promise<RawInvoiceStore> {
  const migrated = createSqliteStore({ filename: file });
  await migrated.migrate();
  await migrated.close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    `INSERT INTO invoices (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
  );
  const event = db.prepare('INSERT INTO event_log (type, payload, created_at) VALUES (?, ?, ?)');
  let queue: { readonly row: unknown[]; readonly payload: string; readonly done: () => void }[] = [];
  let scheduled = false;
  let serial = 0;
  const flush = db.transaction((batch: typeof queue, now: number) => {
    for (const item of batch) {
      insert.run(item.row);
      event.run('invoice.created', item.payload, now);
    }
  });
  const commit = (): void => {
    scheduled = false;
    const batch = queue;
    queue = [];
    flush.immediate(batch, Date.now());
    for (const item of batch) item.done();
  };
  return {
    record: (added, amountMsat, description) =>
      new Promise<void>((done) => {
        const now = Date.now();
        const paymentHash = Buffer.from(added.r_hash).toString('hex');
        const id = `inv_${now.toString(36)}${(serial++).toString(36).padStart(10, '0')}`;
        const row = [
          id,
          paymentHash,
          added.payment_request,
          amountMsat,
          description,
          'open',
          0,
          BigInt(added.add_index),
          now,
          now + 86_400_000,
        ];
        const payload = JSON.stringify({
          invoice: {
            id,
            paymentHash,
            paymentRequest: added.payment_request,
            amountMsat: amountMsat.toString(),
            description,
            status: 'open',
            addIndex: added.add_index,
            createdAt: now,
            expiresAt: now + 86_400_000,
          },
        });
        queue.push({ row, payload, done });
        if (!scheduled) {
          scheduled = true;
          setImmediate(commit);
        }
      }),
    close: () => db.close(),
  };
}
