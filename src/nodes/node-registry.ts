/**
 * The nodes behind one lnkit: lookup by name and pubkey, which of them are up, the names the store
 * recorded (also of nodes not configured in this process), and the gathering of placement candidates.
 */
import { channelLiquidity, summarize, type LiquidityTotals } from '../domain/liquidity.js';
import { LndUnavailableError, NodeUnavailableError, ValidationError, shortPubkey } from '../errors.js';
import type { Store } from '../store/store.js';
import type { NodeRuntime } from './node-runtime.js';

/** The nodes of one lnkit. */
export interface NodeRegistry {
  /** In configuration order; the first is the primary. */
  readonly nodes: readonly NodeRuntime[];
  readonly primary: NodeRuntime;
  /** True when configured with a record of named clients. */
  readonly multi: boolean;
  /** The configured node under `name`, if any. */
  byName(name: string): NodeRuntime | undefined;
  /** The configured node with this pubkey, if any. */
  byPubkey(pubkey: string): NodeRuntime | undefined;
  /** The name the store recorded for `pubkey` (also for nodes not configured here); null if none. */
  nameOf(pubkey: string | undefined): string | null;
  /** Re-reads the names the store recorded (after binding). */
  refreshNames(): Promise<void>;
  /**
   * The configured node a stored row belongs to (rows without a node: the primary's).
   * @throws {NodeUnavailableError} when that node is not configured in this lnkit
   */
  ownerOf(nodePubkey: string | undefined): NodeRuntime;
  /**
   * The node an operation is pinned to, checked to be up.
   * @throws {ValidationError} for a name that is not configured
   * @throws {NodeUnavailableError} when it is down
   */
  pinned(name: unknown): NodeRuntime;
  /** The nodes that are up now (breaker closed, stream connected, no recent connectivity failure). */
  up(exclude?: ReadonlySet<NodeRuntime>): NodeRuntime[];
  /** LndUnavailableError naming why each node is down. */
  allDown(): LndUnavailableError;
  /** The liquidity totals of `node`, or null when its channels cannot be listed (down: noted). */
  totals(node: NodeRuntime): Promise<LiquidityTotals | null>;
}

/** Creates the registry over runtimes (in configuration order). */
export function createNodeRegistry(nodes: readonly NodeRuntime[], store: Store, multi: boolean): NodeRegistry {
  let names = new Map<string, string>();
  const primary = nodes[0]!;
  const registry: NodeRegistry = {
    nodes,
    primary,
    multi,
    byName: (name) => nodes.find((n) => n.name === name),
    byPubkey: (pubkey) => nodes.find((n) => n.binding.pubkey() === pubkey),
    nameOf(pubkey) {
      if (pubkey === undefined) return primary.name;
      return registry.byPubkey(pubkey)?.name ?? names.get(pubkey) ?? null;
    },
    async refreshNames() {
      const next = new Map<string, string>();
      for (const n of await store.nodes.list()) if (n.name !== undefined) next.set(n.pubkey, n.name);
      names = next;
    },
    ownerOf(nodePubkey) {
      if (nodePubkey === undefined) return primary;
      const found = registry.byPubkey(nodePubkey);
      if (found) return found;
      // A single client bound to a store whose rows are all its own has no other node to ask.
      if (!multi && primary.binding.pubkey() === null) return primary;
      throw new NodeUnavailableError(
        names.get(nodePubkey) ?? shortPubkey(nodePubkey),
        'not configured in this lnkit: configure it to act on its invoices and payments',
      );
    },
    pinned(name) {
      if (typeof name !== 'string' || !registry.byName(name))
        throw new ValidationError(
          'node',
          `expected one of ${nodes.map((n) => n.label).join(', ')}, got ${typeof name === 'string' ? JSON.stringify(name.slice(0, 40)) : typeof name}`,
        );
      const node = registry.byName(name)!;
      const reason = node.downReason();
      if (reason !== null) throw new NodeUnavailableError(node.label, reason);
      return node;
    },
    up: (exclude) => nodes.filter((n) => !exclude?.has(n) && n.downReason() === null),
    allDown() {
      const why = nodes.map((n) => `${n.label}: ${n.downReason() ?? 'failed'}`).join('; ');
      return new LndUnavailableError(`no LND node can take the request (${why})`);
    },
    async totals(node) {
      try {
        const channels = await node.lnd.listChannels();
        node.noteFailure(null);
        return summarize(channels.map(channelLiquidity), new Date(node.ctx.clock.now())).totals;
      } catch (error) {
        node.noteFailure(error);
        return null;
      }
    },
  };
  return registry;
}
