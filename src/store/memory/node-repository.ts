/**
 * The memory store's node repository, over a set of {@link Tables}.
 */
import { StoreConflictError } from '../../errors.js';
import type { NodeRepository } from '../store.js';
import { copyInvoice, copyNode, copyPayment, definedEntries } from './copy.js';
import type { Tables } from './tables.js';

/** Creates the node repository over `tables`. */
export function createMemoryNodeRepository(tables: Tables): NodeRepository {
  const rows = tables.nodes;
  return {
    async insert(node) {
      const record = copyNode(node);
      if (rows.has(record.pubkey)) throw new StoreConflictError(`nodes: duplicate pubkey ${record.pubkey}`);
      if (record.name !== undefined && [...rows.values()].some((n) => n.name === record.name))
        throw new StoreConflictError(`nodes: duplicate name ${record.name}`);
      rows.set(record.pubkey, record);
    },
    async get(pubkey) {
      const row = rows.get(pubkey);
      return row && copyNode(row);
    },
    async list() {
      return [...rows.values()]
        .sort(
          (a, b) =>
            a.boundAt.getTime() - b.boundAt.getTime() || (a.pubkey < b.pubkey ? -1 : a.pubkey > b.pubkey ? 1 : 0),
        )
        .map(copyNode);
    },
    async update(pubkey, patch) {
      const row = rows.get(pubkey);
      if (!row) return undefined;
      if (patch.name !== undefined && [...rows.values()].some((n) => n.name === patch.name && n.pubkey !== pubkey))
        throw new StoreConflictError(`nodes: duplicate name ${patch.name}`);
      const next = copyNode({ ...row, ...definedEntries(patch) });
      rows.set(pubkey, next);
      return copyNode(next);
    },
    async adoptRows(pubkey) {
      let stamped = 0;
      for (const row of [...tables.invoices.values()]) {
        if (row.nodePubkey !== undefined) continue;
        tables.invoices.set(row.id, copyInvoice({ ...row, nodePubkey: pubkey }));
        stamped++;
      }
      for (const row of [...tables.payments.values()]) {
        if (row.nodePubkey !== undefined) continue;
        tables.payments.set(row.id, copyPayment({ ...row, nodePubkey: pubkey }));
        stamped++;
      }
      return stamped;
    },
  };
}
