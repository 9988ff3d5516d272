/**
 * Kysely table types of the PostgreSQL store, for the list queries Kysely compiles. Rows are read
 * as text and mapped by the repositories, so only the columns used in filters are typed precisely.
 */
import type { DELIVERY_COLUMNS, INVOICE_COLUMNS, PAYMENT_COLUMNS } from './columns.js';
import type { REBALANCE_COLUMNS } from './rebalance-repository.js';

type Columns<T extends readonly string[]> = { [C in T[number]]: unknown };

/** `invoices`. */
export type InvoicesTable = Columns<typeof INVOICE_COLUMNS> & {
  id: string;
  status: string;
  is_hold: boolean;
  created_at: Date;
};

/** `payments`. */
export type PaymentsTable = Columns<typeof PAYMENT_COLUMNS> & {
  id: string;
  direction: string;
  status: string;
  created_at: Date;
};

/** `webhook_deliveries`. */
export type WebhookDeliveriesTable = Columns<typeof DELIVERY_COLUMNS> & {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: string;
  created_at: Date;
};

/** `rebalances`. */
export type RebalancesTable = Columns<typeof REBALANCE_COLUMNS> & {
  id: string;
  status: string;
  created_at: Date;
};

/** The tables as Kysely sees them. */
export interface PostgresSchema {
  invoices: InvoicesTable;
  payments: PaymentsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  rebalances: RebalancesTable;
}
