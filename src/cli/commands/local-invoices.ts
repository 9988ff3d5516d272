/**
 * `invoice list` and `invoice show` read the local store only: they work while LND is down or not
 * configured, and never change anything.
 */
import { INVOICE_STATUSES, type Invoice, type InvoiceStatus } from '../../domain/invoice.js';
import type { Page } from '../../store/store.js';
import { InvoiceNotFoundError, StoreNodeMismatchError, ValidationError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { toInvoice } from '../../invoices/to-invoice.js';
import { validateInvoiceId, validatePaymentHash } from '../../invoices/validate-invoice-input.js';
import type { Session } from '../session.js';

const PAYMENT_HASH = /^[0-9a-fA-F]{64}$/;

/**
 * With LND settings given, the store must be this node's: another node's credentials on a bound store
 * fail with StoreNodeMismatchError (exit 2) instead of listing that node's invoices. Without settings,
 * or while LND cannot answer GetInfo (down, invoice.macaroon), the store is read as it is.
 */
async function checkStoreNode(session: Session, store: Store): Promise<void> {
  const bound = await store.nodes.list();
  if (bound.length === 0) return;
  let pubkey: string;
  try {
    pubkey = (await (await session.lnd()).getInfo()).pubkey;
  } catch {
    return;
  }
  if (!bound.some((node) => node.pubkey === pubkey)) throw new StoreNodeMismatchError(bound[0]!.pubkey, pubkey);
}

/** Invoices from the store, newest first. @throws {ValidationError} on an unknown status */
export async function listLocalInvoices(
  session: Session,
  query: { readonly status?: readonly string[]; readonly limit?: number; readonly cursor?: string },
): Promise<Page<Invoice>> {
  for (const status of query.status ?? []) {
    if (!INVOICE_STATUSES.includes(status as InvoiceStatus))
      throw new ValidationError('--status', `expected one of ${INVOICE_STATUSES.join(', ')}, got ${status}`);
  }
  const store = await session.store();
  await store.migrate();
  await checkStoreNode(session, store);
  const page = await store.invoices.list({
    limit: query.limit ?? 50,
    ...(query.status ? { status: query.status as InvoiceStatus[] } : {}),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  });
  return { items: page.items.map(toInvoice), nextCursor: page.nextCursor };
}

/** One invoice from the store by id or payment hash. @throws {InvoiceNotFoundError} {ValidationError} */
export async function showLocalInvoice(session: Session, idOrHash: string): Promise<Invoice> {
  const byHash = PAYMENT_HASH.test(idOrHash);
  const key = byHash ? validatePaymentHash(idOrHash) : validateInvoiceId(idOrHash);
  const store = await session.store();
  await store.migrate();
  await checkStoreNode(session, store);
  const record = byHash ? await store.invoices.getByPaymentHash(key) : await store.invoices.get(key);
  if (!record) throw new InvoiceNotFoundError(`no invoice with ${byHash ? 'payment hash' : 'id'} ${idOrHash}`);
  return toInvoice(record);
}
