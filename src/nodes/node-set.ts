/**
 * The nodes of one lnkit and their lifecycle: identify and bind each at start, run each node's
 * background roles (settlement watcher with its own checkpoints, HODL watchers, payment re-tracking)
 * while this process leads, stop them. createLightning holds one node set.
 */
import { LndError, ValidationError, isLightningError, shortPubkey } from '../errors.js';
import type { LndNodeInfo } from '../lnd/lnd-client.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { LightningConfig } from '../create-lightning.js';
import type { MetricsRecorder } from '../metrics-recorder.js';
import type { NodeMetrics } from '../operations/metrics.js';
import type { ServiceContext } from '../service-context.js';
import { normalizeLndConfig } from './node-config.js';
import { validatePlacementPolicy } from './placement.js';
import { createNodeRegistry, type NodeRegistry } from './node-registry.js';
import { createNodeRuntime, isConnectivityError, type NodeRuntime } from './node-runtime.js';

/** Default of how long a node that failed a call counts as down when no breaker says so. */
export const DEFAULT_NODE_DOWN_FOR_MS = 10_000;

/** What `lightning.nodes` lists for each configured node. */
export interface LightningNode {
  /** The configured name; null for a single client. */
  readonly name: string | null;
  /** Null while the node is not identified. */
  readonly pubkey: string | null;
  /** GetInfo at start; null when the macaroon cannot call it. */
  readonly info: LndNodeInfo | null;
  /** The first configured node: rows without a node are its, it runs automatic rebalancing. */
  readonly isPrimary: boolean;
  /** Why it takes no new invoices now (`circuit breaker open`, `invoice stream disconnected`…); null when up. */
  readonly down: string | null;
}

/** The node set. */
export interface NodeSet {
  readonly registry: NodeRegistry;
  /** Reads GetInfo of each node, checks network and sync, binds each to the store (in order). */
  bindAll(): Promise<void>;
  /** Starts each node's background roles (the leader's). */
  startRoles(): Promise<void>;
  /** Stops them. */
  stopRoles(): Promise<void>;
  /** Stops everything (trackers included). */
  stopAll(): Promise<void>;
  /** The state of every node. */
  list(): LightningNode[];
}

/** Creates the node set from `config.lnd` (one client or a record of named clients). */
export function createNodeSet(
  config: LightningConfig,
  base: Omit<ServiceContext, 'lnd' | 'node'>,
  metrics: MetricsRecorder & NodeMetrics,
): NodeSet {
  const { entries, multi } = normalizeLndConfig(config.lnd);
  validatePlacementPolicy(config.placement, multi ? entries.map((e) => e.name!) : []);
  const nodes: NodeRuntime[] = [];
  // Late-bound: a payment service asks for another node's only when paying, after the set is built.
  const senderOf = (pubkey: string): PaymentService | null => registry.byPubkey(pubkey)?.payments ?? null;
  entries.forEach((entry, i) =>
    nodes.push(
      createNodeRuntime(entry, i === 0, {
        base,
        metrics,
        config,
        multi,
        downForMs: DEFAULT_NODE_DOWN_FOR_MS,
        senderOf,
      }),
    ),
  );
  const registry: NodeRegistry = createNodeRegistry(nodes, base.store, multi);

  /**
   * GetInfo, or null with a macaroon that may not call it (invoice.macaroon: a host that only takes
   * payments). Then the connection is proven with ListInvoices, network checks are skipped and
   * outgoing payments are unavailable.
   */
  async function readNodeInfo(node: NodeRuntime): Promise<LndNodeInfo | null> {
    try {
      return await node.lnd.getInfo();
    } catch (error) {
      if (!isLightningError(error) || error.code !== 'LND_PERMISSION') throw error;
      if (config.network || config.requireSynced) throw error;
      await node.lnd.listInvoices({ maxInvoices: 1 });
      node.ctx.logger.warn(
        {},
        'the macaroon cannot call GetInfo (invoice.macaroon?): network checks skipped, payments unavailable',
      );
      return null;
    }
  }

  function checkInfo(node: NodeRuntime, info: LndNodeInfo): void {
    const which = node.name === null ? 'LND' : `LND node ${node.name}`;
    if (config.network && info.network !== config.network) {
      throw new LndError(`${which} is on ${info.network}, expected ${config.network}`, undefined, {
        code: 'LND_WRONG_NETWORK',
      });
    }
    if (!info.isSyncedToChain) {
      if (config.requireSynced)
        throw new LndError(`${which} is not synced to chain`, undefined, { code: 'LND_NOT_SYNCED' });
      node.ctx.logger.warn({ block_height: info.blockHeight }, 'LND is not synced to chain');
    }
  }

  /**
   * Two names for one node (the same credentials twice) would bind it under both.
   * @throws {ValidationError}
   */
  function checkDistinct(infos: ReadonlyMap<NodeRuntime, LndNodeInfo | null>): void {
    const seen = new Map<string, NodeRuntime>();
    for (const [node, info] of infos) {
      if (!info) continue;
      const twin = seen.get(info.pubkey);
      if (twin)
        throw new ValidationError(
          `lnd.${node.label}`,
          `expected a different node per name, got ${shortPubkey(info.pubkey)} as both ${twin.label} and ${node.label}`,
        );
      seen.set(info.pubkey, node);
    }
  }

  return {
    registry,
    async bindAll() {
      // Every node is read and checked before any is bound: a configuration that fails (another
      // network, one node under two names) writes nothing.
      const infos = new Map<NodeRuntime, LndNodeInfo | null>();
      const unreachable = new Map<NodeRuntime, unknown>();
      for (const node of nodes) {
        try {
          const info = await readNodeInfo(node);
          if (info) checkInfo(node, info);
          infos.set(node, info);
        } catch (error) {
          // Several nodes: one the store already knows may be down (an upgrade, a resync) without
          // stopping checkout on the others; it is bound by its stored name and comes back by itself.
          if (!multi || !isConnectivityError(error)) throw error;
          unreachable.set(node, error);
        }
      }
      checkDistinct(infos);
      for (const node of nodes) {
        const error = unreachable.get(node);
        if (error !== undefined) {
          if (!(await node.binding.bindStored())) throw error;
          node.noteFailure(error);
          node.ctx.logger.warn({ err: error }, 'node unreachable at start: started without it until it answers');
          continue;
        }
        const info = infos.get(node) ?? null;
        node.info = info;
        // A store of another node stops here (StoreNodeMismatchError), a name moved to another node
        // too (NodeNameMismatchError).
        await node.binding.bind(info);
      }
      await registry.refreshNames();
    },
    async startRoles() {
      for (const node of nodes) {
        await node.payments.retrackInFlight();
        await node.hold.watchAll();
        node.watcher.start();
        node.isWatching = true;
      }
      // The first reconcile of each node has run and its stream is open (or its first attempt failed
      // and it retries): a settlement from now on is caught.
      await Promise.all(nodes.map((n) => n.watcher.ready()));
    },
    async stopRoles() {
      for (const node of nodes) {
        node.isWatching = false;
        await node.watcher.stop();
        await node.hold.stop();
      }
    },
    async stopAll() {
      for (const node of nodes) {
        node.isWatching = false;
        await node.payments.stop();
        await node.hold.stop();
        await node.watcher.stop();
      }
    },
    list: () =>
      nodes.map((n) => ({
        name: n.name,
        pubkey: n.binding.pubkey(),
        info: n.info,
        isPrimary: n.isPrimary,
        down: n.downReason(),
      })),
  };
}
