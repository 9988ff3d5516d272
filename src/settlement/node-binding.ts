/**
 * The store knows its node. On first start lnkit records the node's identity (pubkey, network) with
 * the cursors of a cold start; a later start against another node fails with StoreNodeMismatchError
 * before anything is written. With `invoice.macaroon` (no GetInfo) the pubkey is read from a BOLT11
 * string the node issued; a node without any invoice yet is bound on the first invoice lnkit sees.
 */
import type { Clock } from '../domain/clock.js';
import { StoreNodeMismatchError, isLightningError } from '../errors.js';
import type { LndClient, LndNodeInfo } from '../lnd/lnd-client.js';
import type { Logger } from '../logger.js';
import type { Repositories, Store } from '../store/store.js';
import { LEGACY_CHECKPOINTS, checkpointNames, type CheckpointNames } from './checkpoint-names.js';
import { scanHistory } from './history.js';

/** Who the node is. */
export interface NodeIdentity {
  readonly pubkey: string;
  readonly network: string | null;
  readonly alias: string | null;
}

/** The node a running lnkit is bound to. */
export interface NodeBinding {
  /** The bound node's pubkey; null while unknown (invoice.macaroon on a node without invoices). */
  pubkey(): string | null;
  /** The node's checkpoint names (the legacy names while the node is unknown). */
  names(): CheckpointNames;
  /**
   * Binds the store to the node lnkit is connected to (`start()`): records it on first start, with the
   * cursors of a cold start, or checks it is the node the store knows.
   * @throws {StoreNodeMismatchError} when the store belongs to another node (nothing is written)
   */
  bind(info: LndNodeInfo | null): Promise<void>;
  /**
   * Checks a payment request the node issued against the bound node, or binds from it while the node
   * is unknown. Cheap once the node is known and verified.
   * @throws {StoreNodeMismatchError} when it names another node
   */
  observe(paymentRequest: string): Promise<void>;
}

/** What the binding needs. */
export interface NodeBindingDeps {
  readonly lnd: LndClient;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The payee of a BOLT11 string; null when it cannot be decoded. */
async function payeeOf(paymentRequest: string): Promise<{ pubkey: string; network: string } | null> {
  try {
    // Loaded on first use: the curve library is not paid for by `import('lnkit')`.
    const [{ decodeBolt11 }, { bolt11NetworkToLnd }] = await Promise.all([
      import('../bolt11/decode.js'),
      import('../bolt11/networks.js'),
    ]);
    const decoded = decodeBolt11(paymentRequest);
    return { pubkey: decoded.payeeNodeKey, network: bolt11NetworkToLnd(decoded.network) };
  } catch {
    return null;
  }
}

/** Creates the binding. Internal: createLightning calls `bind` in `start()`. */
export function createNodeBinding(deps: NodeBindingDeps): NodeBinding {
  const { lnd, store, clock, logger } = deps;
  let current: string | null = null;
  /** False while the pubkey is the store's word only (no GetInfo, no invoice seen yet). */
  let verified = false;
  let binding: Promise<void> | null = null;

  /** Who LND is: GetInfo, or the payee of its newest invoice (invoice.macaroon); null when it has none. */
  async function identify(info: LndNodeInfo | null): Promise<NodeIdentity | null> {
    if (info) return { pubkey: info.pubkey, network: info.network, alias: info.alias || null };
    const newest = await lnd.listInvoices({ reversed: true, maxInvoices: 1 });
    for (const invoice of newest.invoices) {
      const payee = await payeeOf(invoice.paymentRequest);
      if (payee) return { pubkey: payee.pubkey, network: payee.network, alias: null };
    }
    return null;
  }

  /** The node that issued the newest invoice of a store written before stores knew their node. */
  async function legacyOwner(): Promise<string | null> {
    const newest = (await store.invoices.list({ limit: 1 })).items[0];
    if (!newest) return null;
    return newest.nodePubkey ?? (await payeeOf(newest.paymentRequest))?.pubkey ?? null;
  }

  async function copyLegacy(tx: Repositories, names: CheckpointNames): Promise<boolean> {
    let found = false;
    for (const key of ['add', 'settle', 'reconcile'] as const) {
      const value = await tx.checkpoints.get(LEGACY_CHECKPOINTS[key]);
      if (value === undefined) continue;
      found = true;
      await tx.checkpoints.advance(names[key], value);
    }
    return found;
  }

  /** The lowest add index - 1 of the invoices the store holds (they stay in reconcile's reach). */
  async function floorOfStoredInvoices(tx: Repositories, floor: bigint): Promise<bigint> {
    let cursor: string | undefined;
    do {
      const page = await tx.invoices.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const invoice of page.items)
        if (invoice.addIndex > 0n && invoice.addIndex - 1n < floor) floor = invoice.addIndex - 1n;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return floor;
  }

  /** First start on this store: the node row, its rows, its cursors — one transaction. */
  async function firstBind(identity: NodeIdentity): Promise<void> {
    const owner = await legacyOwner();
    if (owner !== null && owner !== identity.pubkey) throw new StoreNodeMismatchError(owner, identity.pubkey);
    // LND first (outside the transaction): the settle index it has reached, its last add index, the anchor.
    const scan = await scanHistory(lnd);
    const names = checkpointNames(identity.pubkey);
    const now = new Date(clock.now());
    await store.transaction(async (tx) => {
      const nodes = await tx.nodes.list();
      if (nodes.some((n) => n.pubkey === identity.pubkey)) return; // another process bound it meanwhile
      if (nodes[0]) throw new StoreNodeMismatchError(nodes[0].pubkey, identity.pubkey);
      await tx.nodes.insert({
        pubkey: identity.pubkey,
        network: identity.network,
        alias: identity.alias,
        boundAt: now,
        anchorAddIndex: scan.anchor?.addIndex ?? null,
        anchorPaymentHash: scan.anchor?.paymentHash ?? null,
        updatedAt: now,
      });
      await tx.nodes.adoptRows(identity.pubkey);
      if (await copyLegacy(tx, names)) return;
      // Cold start. Settlements before lnkit existed are not replayed; every one after start() is:
      // the stream replays settle indices above S0, whenever it subscribes. A node that never settled
      // anything (S0 = 0, where LND would not replay) is reconciled from its first invoice instead.
      await tx.checkpoints.advance(names.settle, scan.lastSettleIndex);
      await tx.checkpoints.advance(names.add, scan.lastAddIndex);
      const floor = scan.lastSettleIndex === 0n ? 0n : scan.lastAddIndex;
      await tx.checkpoints.advance(names.reconcile, await floorOfStoredInvoices(tx, floor));
    });
    logger.info(
      {
        pubkey: identity.pubkey,
        network: identity.network,
        settle_index: scan.lastSettleIndex.toString(),
        add_index: scan.lastAddIndex.toString(),
      },
      'store bound to its node',
    );
  }

  async function bindIdentity(identity: NodeIdentity | null, isVerified: boolean): Promise<void> {
    const nodes = await store.nodes.list();
    if (identity === null) {
      // No GetInfo and no invoice to read the pubkey from: trust the store until an invoice shows it.
      if (nodes[0]) current = nodes[0].pubkey;
      return;
    }
    if (nodes.some((n) => n.pubkey === identity.pubkey)) {
      current = identity.pubkey;
      verified = isVerified;
      return;
    }
    if (nodes[0]) throw new StoreNodeMismatchError(nodes[0].pubkey, identity.pubkey);
    try {
      await firstBind(identity);
    } catch (error) {
      // Another process (PostgreSQL, READ COMMITTED) bound the store in the same instant: read who won.
      if (!isLightningError(error) || error.code !== 'STORE_CONFLICT') throw error;
      const winner = (await store.nodes.list())[0];
      if (!winner) throw error;
      if (winner.pubkey !== identity.pubkey) throw new StoreNodeMismatchError(winner.pubkey, identity.pubkey);
    }
    current = identity.pubkey;
    verified = isVerified;
  }

  function single(fn: () => Promise<void>): Promise<void> {
    const run = (binding ?? Promise.resolve()).then(fn, fn);
    binding = run.catch(() => undefined);
    return run;
  }

  return {
    pubkey: () => current,
    names: () => checkpointNames(current),
    bind: (info) => single(async () => bindIdentity(await identify(info), true)),
    async observe(paymentRequest) {
      if (current !== null && verified) return;
      const payee = await payeeOf(paymentRequest);
      if (!payee) return;
      if (current !== null) {
        if (payee.pubkey !== current) throw new StoreNodeMismatchError(current, payee.pubkey);
        verified = true;
        return;
      }
      await single(() => bindIdentity({ pubkey: payee.pubkey, network: payee.network, alias: null }, true));
    },
  };
}
