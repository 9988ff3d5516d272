/**
 * One set of bus listeners for every open status stream: an event is handed only to the streams of
 * its invoice, so 1,000 streams cost one Map lookup per event, not 1,000 listener calls.
 */
import type { Invoice } from '../domain/invoice.js';
import type { LightningEventBus } from '../events/event-bus.js';

/** Called with the invoice as an event carried it (possibly stale or repeated: the caller decides). */
export type InvoiceWatcher = (invoice: Invoice) => void;

/** Streams watching invoices by id. */
export interface InvoiceWatchers {
  /** Starts handing `id`'s invoice events to `watcher`; returns the function that stops it. */
  watch(id: string, watcher: InvoiceWatcher): () => void;
  /** Number of watchers, over all invoices. */
  readonly size: number;
}

const STATUS_EVENTS = ['invoice.accepted', 'invoice.settled', 'invoice.expired', 'invoice.cancelled'] as const;

/** Listens on `events` while at least one watcher is registered. */
export function createInvoiceWatchers(events: LightningEventBus): InvoiceWatchers {
  const byId = new Map<string, Set<InvoiceWatcher>>();
  let size = 0;
  let offs: (() => void)[] = [];

  const dispatch = (invoice: Invoice | null): void => {
    const watchers = invoice ? byId.get(invoice.id) : undefined;
    if (!watchers || !invoice) return;
    for (const watcher of [...watchers]) watcher(invoice);
  };
  const subscribe = (): void => {
    offs = STATUS_EVENTS.map((name) => events.on(name, ({ invoice }) => dispatch(invoice)));
    // A settlement also arrives as payment.received; the stream drops the repeat.
    offs.push(events.on('payment.received', ({ invoice }) => dispatch(invoice)));
  };

  return {
    watch(id, watcher) {
      if (size === 0) subscribe();
      const watchers = byId.get(id) ?? new Set<InvoiceWatcher>();
      byId.set(id, watchers);
      watchers.add(watcher);
      size++;
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        watchers.delete(watcher);
        if (watchers.size === 0) byId.delete(id);
        size--;
        if (size === 0) {
          for (const off of offs) off();
          offs = [];
        }
      };
    },
    get size() {
      return size;
    },
  };
}
