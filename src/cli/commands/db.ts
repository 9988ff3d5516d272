/**
 * `lnkit db stats | prune | vacuum | check` (#18): the store's size and age, retention on demand
 * (with `--dry-run`), compaction, and an integrity and index check. Database only: no LND needed.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { PruneTarget, StoreMaintenance } from '../../store/maintenance.js';
import { EVENT_LOG_MIN_WINDOW_MS } from '../../retention/retention-job.js';
import { CommandFailedError } from '../exit-codes.js';
import { formatDate, formatTable } from '../output.js';
import type { CommandRunner } from '../run-command.js';
import type { Session } from '../session.js';

const DAY_MS = 86_400_000;
/** Rows per prune batch: one short transaction each. */
const PRUNE_BATCH = 500;

interface PruneOptions {
  readonly dryRun?: boolean;
  readonly webhookDays: number;
  readonly eventLogDays: number;
  readonly unpaidInvoiceDays?: number;
}

function parseDays(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected a non-negative number of days, got ${JSON.stringify(value)}`);
  return n;
}

async function maintenanceOf(session: Session): Promise<StoreMaintenance> {
  const store = await session.store();
  await store.migrate();
  if (!store.maintenance) throw new CommandFailedError('this store has no maintenance support');
  return store.maintenance;
}

const mib = (bytes: number | null) => (bytes === null ? 'unknown' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

/** Adds `db` and its subcommands to `program`. */
export function registerDb(program: Command, run: CommandRunner): void {
  const db = program.command('db').description("the store's size, retention, compaction and integrity (no LND needed)");

  db.command('stats')
    .description('rows, size and oldest row per table')
    .action(
      run(async (session) => {
        const m = await maintenanceOf(session);
        const tables = await m.tableStats();
        const sizeBytes = (await m.sizeBytes?.()) ?? null;
        session.printer.result(
          { sizeBytes, tables },
          () =>
            formatTable(
              [{ header: 'TABLE' }, { header: 'ROWS', align: 'right' }, { header: 'OLDEST' }],
              tables.map((t) => [t.table, t.rows.toLocaleString('en-US'), t.oldestAt ? formatDate(t.oldestAt) : '-']),
            ) + `\nSize: ${mib(sizeBytes)}\n`,
        );
      }),
    );

  db.command('prune')
    .description(
      'remove finished webhook events, event-log entries every consumer has passed (and never-paid closed invoices with --unpaid-invoice-days)',
    )
    .option('--dry-run', 'count what would be removed, remove nothing')
    .option(
      '--webhook-days <days>',
      'keep finished webhook events this many days after their last delivery',
      parseDays,
      30,
    )
    .option(
      '--event-log-days <days>',
      'keep event-log entries every consumer has passed this many days (at least 10 minutes)',
      parseDays,
      1,
    )
    .option(
      '--unpaid-invoice-days <days>',
      'also remove expired/cancelled never-paid invoices closed before this',
      parseDays,
    )
    .action(
      run(async (session, options: PruneOptions) => {
        const m = await maintenanceOf(session);
        const now = Date.now();
        const plan: [PruneTarget, number][] = [
          ['webhookEvents', options.webhookDays],
          ['eventLog', Math.max(options.eventLogDays, EVENT_LOG_MIN_WINDOW_MS / DAY_MS)],
        ];
        if (options.unpaidInvoiceDays !== undefined) plan.push(['unpaidInvoices', options.unpaidInvoiceDays]);
        const result: { target: PruneTarget; before: Date; count: number }[] = [];
        let reclaimedPages = 0;
        for (const [target, days] of plan) {
          const before = new Date(now - days * DAY_MS);
          let count = 0;
          if (options.dryRun) count = await m.countPrunable(target, before);
          else
            for (;;) {
              const removed = await m.prune(target, before, PRUNE_BATCH);
              count += removed;
              if (removed < PRUNE_BATCH) break;
            }
          result.push({ target, before, count });
        }
        if (!options.dryRun && m.reclaimSpace)
          for (;;) {
            const pages = await m.reclaimSpace(1024);
            reclaimedPages += pages;
            if (pages < 1024) break;
          }
        const verb = options.dryRun ? 'would remove' : 'removed';
        session.printer.result(
          { dryRun: options.dryRun === true, targets: result, ...(options.dryRun ? {} : { reclaimedPages }) },
          () =>
            result
              .map((r) => `${r.target}: ${verb} ${r.count.toLocaleString('en-US')} (before ${formatDate(r.before)})`)
              .join('\n') + (options.dryRun ? '\n' : `\nPages given back: ${reclaimedPages}\n`),
        );
      }),
    );

  db.command('vacuum')
    .description('compact the store (SQLite VACUUM: blocks writers while it runs; PostgreSQL VACUUM ANALYZE)')
    .action(
      run(async (session) => {
        const m = await maintenanceOf(session);
        if (!m.vacuum) throw new CommandFailedError('this store cannot vacuum');
        const before = (await m.sizeBytes?.()) ?? null;
        await m.vacuum();
        const after = (await m.sizeBytes?.()) ?? null;
        session.printer.result(
          { sizeBytesBefore: before, sizeBytesAfter: after },
          () => `Size: ${mib(before)} → ${mib(after)}\n`,
        );
      }),
    );

  db.command('check')
    .description("integrity check and presence of every index lnkit's queries need (exit 1 on a problem)")
    .action(
      run(async (session) => {
        const m = await maintenanceOf(session);
        if (!m.check) throw new CommandFailedError('this store cannot check itself');
        const problems = await m.check();
        session.printer.result({ ok: problems.length === 0, problems }, () =>
          problems.length === 0 ? 'OK: integrity and indexes\n' : `${problems.join('\n')}\n`,
        );
        if (problems.length > 0) throw new CommandFailedError(`${problems.length} problem(s) found`);
      }),
    );
}
