/**
 * `lnkit invoice create | list | show | cancel`.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Invoice, InvoiceStatus } from '../../domain/invoice.js';
import { formatDate, formatMsat } from '../output.js';
import { listLocalInvoices, showLocalInvoice } from './local-invoices.js';
import type { CommandRunner } from '../run-command.js';
import type { Session } from '../session.js';
import { formatInvoice, formatInvoiceTable } from './invoice-view.js';
import { waitForPayment } from './invoice-wait.js';

const PAYMENT_HASH = /^[0-9a-f]{64}$/i;

/** Commander parser for a positive number of hours → whole seconds (at least 1). */
export function parseExpiryHours(value: string): number {
  const hours = Number(value);
  if (value.trim() === '' || !Number.isFinite(hours) || hours <= 0)
    throw new InvalidArgumentError(`expected a positive number of hours, got ${JSON.stringify(value)}`);
  return Math.max(1, Math.round(hours * 3600));
}

/** Commander parser for a positive integer (limits). */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

async function findInvoice(session: Session, idOrHash: string): Promise<Invoice> {
  const lightning = await session.lightning();
  return PAYMENT_HASH.test(idOrHash)
    ? lightning.invoices.getByPaymentHash(idOrHash.toLowerCase())
    : lightning.invoices.get(idOrHash);
}

interface CreateOptions {
  readonly expiryHours?: number;
  readonly wait?: boolean;
}

interface ListOptions {
  readonly status?: InvoiceStatus[];
  readonly limit?: number;
  readonly cursor?: string;
}

/** Adds the `invoice` command group to `program`. */
export function registerInvoice(program: Command, run: CommandRunner): void {
  const invoice = program.command('invoice').description('create, list, show and cancel invoices priced in EUR');

  invoice
    .command('create')
    .description('create an invoice for <eur> euros (converted at the current BTC/EUR rate)')
    .argument('<eur>', 'price in EUR, at most 2 decimals, e.g. 19.99')
    .argument('<description>', 'shown to the payer (at most 639 bytes)')
    .option('--expiry-hours <hours>', 'hours until it expires (decimals allowed)', parseExpiryHours)
    .option('--wait', 'show a QR code and wait until it is paid (exit 0) or expires (exit 1)')
    .action(
      run(async (session, eur: string, description: string, options: CreateOptions) => {
        const lightning = await session.lightning();
        const created = await lightning.invoices.create({
          amountEur: eur,
          description,
          ...(options.expiryHours === undefined ? {} : { expirySeconds: options.expiryHours }),
        });
        if (!options.wait) {
          session.printer.result(created, () => formatInvoice(created));
          return;
        }
        if (!session.printer.json) session.io.stdout.write(formatInvoice(created) + '\n');
        const { payment } = await waitForPayment(session, lightning, created);
        const settled = await lightning.invoices.get(created.id);
        session.printer.result(
          { invoice: settled, payment },
          () =>
            `Paid: ${formatMsat(payment.amountMsat)} for ${settled.id} at ${formatDate(settled.settledAt ?? payment.createdAt)}\n`,
        );
      }),
    );

  invoice
    .command('list')
    .description('list invoices from the local store, newest first (LND is not needed)')
    .option(
      '--status <status>',
      'only this status: open, accepted, settled, cancelled, expired (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--limit <n>', 'how many (1-1000, default 50)', parsePositiveInt)
    .option('--cursor <cursor>', 'the next-page cursor printed by a previous list')
    .action(
      run(async (session, options: ListOptions) => {
        const page = await listLocalInvoices(session, options);
        session.printer.result(
          page,
          () =>
            formatInvoiceTable(page.items) +
            (page.nextCursor ? `\nMore: lnkit invoice list --cursor ${page.nextCursor}\n` : ''),
        );
      }),
    );

  invoice
    .command('show')
    .description('show one invoice from the local store by id (inv_…) or payment hash (LND is not needed)')
    .argument('<id>', 'invoice id or 64-hex payment hash')
    .action(
      run(async (session, id: string) => {
        const found = await showLocalInvoice(session, id);
        session.printer.result(found, () => formatInvoice(found));
      }),
    );

  invoice
    .command('cancel')
    .description('cancel an open invoice (in LND and locally)')
    .argument('<id>', 'invoice id or 64-hex payment hash')
    .action(
      run(async (session, id: string) => {
        const found = await findInvoice(session, id);
        const cancelled = await (await session.lightning()).invoices.cancel(found.id);
        session.printer.result(cancelled, () => formatInvoice(cancelled));
      }),
    );
}
