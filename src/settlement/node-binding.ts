/**
 * The store knows its node. On first start lnkit records the node's identity (pubkey, network) with
 * the cursors of a cold start; a later start against another node fails with StoreNodeMismatchError
 * before anything is written. With `invoice.macaroon` (no GetInfo) the pubkey is read from a BOLT11
 * string the node issued; a node without any invoice yet is bound on the first invoice lnkit sees.
 */
import type { Clock } from '../domain/clock.js';
import { NodeNameMismatchError, StoreNodeMismatchError, isLightningError, shortPubkey } from '../errors.js';
import type { LndClient, LndNodeInfo } from '../lnd/lnd-client.js';
import type { Logger } from '../logger.js';
import type { NodeRecord, Repositories, Store } from '../store/store.js';
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
  /** The name the host configured the node under; null for a single client. */
  name(): string | null;
  /** The node's checkpoint names (the legacy names while the node is unknown). */
  names(): CheckpointNames;
  /**
   * Binds the store to the node lnkit is connected to (`start()`): records it on first start, with the
   * cursors of a cold start, or checks it is the node the store knows.
   * @throws {StoreNodeMismatchError} when the store belongs to another node (nothing is written)
   * @throws {NodeNameMismatchError} when the configured name belongs to another pubkey in the store
   */
  bind(info: LndNodeInfo | null): Promise<void>;
  /**
   * Binds to the node the store recorded under the configured name, without asking LND (a named node
   * that is down at start). Unverified until an invoice or GetInfo shows it.
   * @returns false when the store knows no node by this name (or the binding has no name)
   */
  bindStored(): Promise<boolean>;
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
  /** The configured name (`lnd: { alice: … }`); absent for a single client. */
  readonly name?: string;
  /**
   * True when lnkit runs several nodes: a node the store does not know yet is added next to the
   * others instead of being refused with StoreNodeMismatchError. Default is false.
   */
  readonly multi?: boolean;
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
  const name = deps.name ?? null;
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

  /**
   * The lowest add index - 1 of the invoices the store holds (they stay in reconcile's reach); with
   * `pubkey`, of that node's invoices only (a node added next to others).
   */
  async function floorOfStoredInvoices(tx: Repositories, floor: bigint, pubkey?: string): Promise<bigint> {
    let cursor: string | undefined;
    do {
      const page = await tx.invoices.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const invoice of page.items) {
        if (pubkey !== undefined && invoice.nodePubkey !== pubkey) continue;
        if (invoice.addIndex > 0n && invoice.addIndex - 1n < floor) floor = invoice.addIndex - 1n;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return floor;
  }

  /**
   * First start of this node on this store: the node row, its rows, its cursors — one transaction.
   * The store's first node adopts the rows written before stores knew their node; a node added next
   * to others (`isAdded`) starts from its own cold-start cursors.
   */
  async function firstBind(identity: NodeIdentity, isAdded = false): Promise<void> {
    const owner = isAdded ? null : await legacyOwner();
    if (owner !== null && owner !== identity.pubkey) throw new StoreNodeMismatchError(owner, identity.pubkey);
    // LND first (outside the transaction): the settle index it has reached, its last add index, the anchor.
    const scan = await scanHistory(lnd);
    const names = checkpointNames(identity.pubkey);
    const now = new Date(clock.now());
    await store.transaction(async (tx) => {
      const nodes = await tx.nodes.list();
      if (nodes.some((n) => n.pubkey === identity.pubkey)) return; // another process bound it meanwhile
      if (nodes[0] && !isAdded) throw new StoreNodeMismatchError(nodes[0].pubkey, identity.pubkey);
      await tx.nodes.insert({
        pubkey: identity.pubkey,
        network: identity.network,
        alias: identity.alias,
        boundAt: now,
        anchorAddIndex: scan.anchor?.addIndex ?? null,
        anchorPaymentHash: scan.anchor?.paymentHash ?? null,
        updatedAt: now,
        ...(name !== null ? { name } : {}),
      });
      if (!isAdded) {
        await tx.nodes.adoptRows(identity.pubkey);
        if (await copyLegacy(tx, names)) return;
      }
      // Cold start. Settlements before lnkit existed are not replayed; every one after start() is:
      // the stream replays settle indices above S0, whenever it subscribes. A node that never settled
      // anything (S0 = 0, where LND would not replay) is reconciled from its first invoice instead.
      await tx.checkpoints.advance(names.settle, scan.lastSettleIndex);
      await tx.checkpoints.advance(names.add, scan.lastAddIndex);
      const floor = scan.lastSettleIndex === 0n ? 0n : scan.lastAddIndex;
      const own = isAdded ? identity.pubkey : undefined;
      await tx.checkpoints.advance(names.reconcile, await floorOfStoredInvoices(tx, floor, own));
    });
    logger.info(
      {
        pubkey: identity.pubkey,
        network: identity.network,
        settle_index: scan.lastSettleIndex.toString(),
        add_index: scan.lastAddIndex.toString(),
        ...(name !== null ? { node: name } : {}),
      },
      isAdded ? 'node added to the store' : 'store bound to its node',
    );
  }

  /** A configured name stays with its pubkey, and a named node keeps its name. */
  function checkName(nodes: readonly NodeRecord[], pubkey: string): void {
    if (name === null) return;
    const byName = nodes.find((n) => n.name === name);
    if (byName && byName.pubkey !== pubkey) {
      throw new NodeNameMismatchError(
        name,
        byName.pubkey,
        pubkey,
        `node name ${name} belongs to node ${shortPubkey(byName.pubkey)} in this store, but the client configured as ${name} is node ${shortPubkey(pubkey)}: a name cannot move to another node (give the new node a new name)`,
      );
    }
    const known = nodes.find((n) => n.pubkey === pubkey);
    if (known?.name !== undefined && known.name !== name) {
      throw new NodeNameMismatchError(
        name,
        known.pubkey,
        pubkey,
        `node ${shortPubkey(pubkey)} is named ${known.name} in this store, not ${name}: keep its name in the configuration`,
      );
    }
  }

  async function bindIdentity(identity: NodeIdentity | null, isVerified: boolean): Promise<void> {
    const nodes = await store.nodes.list();
    if (identity === null) {
      // No GetInfo and no invoice to read the pubkey from: trust the store until an invoice shows it.
      const stored = name !== null ? nodes.find((n) => n.name === name) : deps.multi ? undefined : nodes[0];
      if (stored) current = stored.pubkey;
      return;
    }
    checkName(nodes, identity.pubkey);
    const known = nodes.find((n) => n.pubkey === identity.pubkey);
    if (known) {
      if (name !== null && known.name === undefined)
        await store.nodes.update(known.pubkey, { name, updatedAt: new Date(clock.now()) });
      current = identity.pubkey;
      verified = isVerified;
      return;
    }
    if (nodes[0] && !deps.multi) throw new StoreNodeMismatchError(nodes[0].pubkey, identity.pubkey);
    try {
      await firstBind(identity, nodes.length > 0);
    } catch (error) {
      // Another process (PostgreSQL, READ COMMITTED) bound the store in the same instant: read who won.
      if (!isLightningError(error) || error.code !== 'STORE_CONFLICT') throw error;
      const after = await store.nodes.list();
      if (!after.some((n) => n.pubkey === identity.pubkey)) {
        checkName(after, identity.pubkey);
        if (deps.multi || !after[0]) throw error;
        throw new StoreNodeMismatchError(after[0].pubkey, identity.pubkey);
      }
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
    name: () => name,
    names: () => checkpointNames(current),
    bind: (info) => single(async () => bindIdentity(await identify(info), true)),
    async bindStored() {
      if (name === null) return false;
      const stored = (await store.nodes.list()).find((n) => n.name === name);
      if (!stored) return false;
      current = stored.pubkey;
      verified = false;
      return true;
    },
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
