/**
 * `createNetwork`: the in-memory Lightning network shared by the fake LND and the gRPC simulator.
 */
import { systemClock, type Clock, type TimerHandle } from '../../domain/clock.js';
import { ChannelImpl, DEFAULT_POLICY, defaultChanId } from './channels.js';
import type { HtlcOutcome, IncomingHtlc, NetCtx } from './context.js';
import { defaultPrivateKey, isHex, publicKeyOf, randomHex } from './keys.js';
import { blockHashAt } from './node-views.js';
import { NodeImpl } from './node.js';
import { LndRpcError } from './rpc-error.js';
import type {
  AddChannelSpec,
  AddNodeSpec,
  ChannelPolicy,
  NetworkConfig,
  SimChannel,
  SimNetwork,
  SimNetworkName,
  SimNode,
} from './types.js';

const UINT64_MAX = (1n << 64n) - 1n;

/** The model's network. */
class NetworkImpl implements SimNetwork {
  readonly clock: Clock;
  readonly network: SimNetworkName;
  private readonly blockTimeMs: number;
  private readonly startHeight: number;
  private readonly startMs: number;
  private readonly byName = new Map<string, NodeImpl>();
  private readonly byPubkey = new Map<string, NodeImpl>();
  private readonly channelList: ChannelImpl[] = [];
  private timer: { handle: TimerHandle; at: number } | null = null;
  private ticking = false;
  private closed = false;
  private readonly ctx: NetCtx;

  constructor(config: NetworkConfig) {
    this.clock = config.clock ?? systemClock;
    this.network = config.network ?? 'regtest';
    this.blockTimeMs = config.blockTimeMs ?? 600_000;
    this.startHeight = config.startHeight ?? 800_000;
    if (!(this.blockTimeMs > 0)) throw new Error(`blockTimeMs: expected a positive number, got ${this.blockTimeMs}`);
    this.startMs = this.clock.now();
    this.ctx = {
      clock: this.clock,
      randomHex: (n) => randomHex(n, config.random),
      networkName: this.network,
      now: () => this.clock.now(),
      height: () => this.blockHeight(),
      timeOfHeight: (height) => this.startMs + (height - this.startHeight) * this.blockTimeMs,
      nodeRef: (name) => this.byName.get(name),
      nodeRefByPubkey: (pubkey) => this.byPubkey.get(pubkey.toLowerCase()),
      channelsOf: (name) => this.channelList.filter((c) => c.has(name)),
      allChannels: () => [...this.channelList],
      deliverHtlc: (name, htlc) => this.deliver(name, htlc),
      reschedule: () => this.reschedule(),
      decoded: new Map(),
    };
  }

  addNode(spec: AddNodeSpec): SimNode {
    if (typeof spec.name !== 'string' || spec.name === '')
      throw new Error(`name: expected a non-empty string, got ${String(spec.name)}`);
    if (this.byName.has(spec.name)) throw new Error(`name: a node named ${spec.name} already exists`);
    const privateKey = (spec.privateKey ?? defaultPrivateKey(spec.name)).toLowerCase();
    if (!isHex(privateKey) || privateKey.length !== 64) throw new Error('privateKey: expected 32 bytes hex');
    const pubkey = publicKeyOf(privateKey);
    if (this.byPubkey.has(pubkey))
      throw new Error(`privateKey: node ${this.byPubkey.get(pubkey)?.name} already uses this key`);
    const node = new NodeImpl(
      this.ctx,
      { tick: () => this.tick() },
      spec.name,
      spec.alias ?? spec.name,
      privateKey,
      pubkey,
    );
    this.byName.set(node.name, node);
    this.byPubkey.set(pubkey, node);
    return node;
  }

  addChannel(spec: AddChannelSpec): SimChannel {
    this.node(spec.a);
    this.node(spec.b);
    if (spec.a === spec.b) throw new Error(`b: expected a node other than ${spec.a}`);
    if (spec.capacitySat <= 0n) throw new Error(`capacitySat: expected a positive bigint, got ${spec.capacitySat}`);
    if (spec.localSatA < 0n || spec.localSatA > spec.capacitySat) {
      throw new Error(`localSatA: expected 0..${spec.capacitySat}, got ${spec.localSatA}`);
    }
    const chanId = spec.chanId ?? defaultChanId(this.startHeight, this.channelList.length);
    if (!/^\d+$/.test(chanId) || BigInt(chanId) > UINT64_MAX)
      throw new Error(`chanId: expected a decimal uint64, got ${chanId}`);
    if (this.channelList.some((c) => c.chanId === chanId)) throw new Error(`chanId: channel ${chanId} already exists`);
    const policy = (p: Partial<ChannelPolicy> | undefined): ChannelPolicy => ({ ...DEFAULT_POLICY, ...p });
    const channel = new ChannelImpl(
      chanId,
      spec.a,
      spec.b,
      spec.capacitySat,
      spec.localSatA,
      policy(spec.policyA),
      policy(spec.policyB),
      spec.isActive ?? true,
      (name) => this.byName.get(name)?.isOnline ?? false,
    );
    this.channelList.push(channel);
    return channel;
  }

  node(name: string): NodeImpl {
    const node = this.byName.get(name);
    if (!node) throw new Error(`no node named ${name}; nodes: ${[...this.byName.keys()].join(', ') || 'none'}`);
    return node;
  }

  nodeByPubkey(pubkey: string): SimNode | undefined {
    return this.byPubkey.get(pubkey.toLowerCase());
  }

  nodes(): SimNode[] {
    return [...this.byName.values()];
  }

  channels(): SimChannel[] {
    return [...this.channelList];
  }

  channel(chanId: string): SimChannel {
    const channel = this.channelList.find((c) => c.chanId === chanId);
    if (!channel) throw new Error(`no channel ${chanId}`);
    return channel;
  }

  blockHeight(): number {
    return this.startHeight + Math.floor((this.clock.now() - this.startMs) / this.blockTimeMs);
  }

  blockHash(): string {
    return blockHashAt(this.blockHeight());
  }

  tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const node of this.byName.values()) {
        node.payments.tick();
        node.invoices.tick();
      }
    } finally {
      this.ticking = false;
    }
    this.reschedule();
  }

  dropStreams(): void {
    const error = new LndRpcError(14, 'simulated stream drop: the connection to LND was lost');
    for (const node of this.byName.values()) node.failStreams(error);
  }

  openStreamCount(): number {
    let n = 0;
    for (const node of this.byName.values()) n += node.openStreamCount();
    return n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = null;
    const error = new LndRpcError(14, 'the simulated network was closed');
    for (const node of this.byName.values()) node.failStreams(error);
  }

  private deliver(name: string, htlc: IncomingHtlc): HtlcOutcome {
    const node = this.byName.get(name);
    return node ? node.invoices.receive(htlc) : { kind: 'rejected' };
  }

  private reschedule(): void {
    if (this.closed) return;
    let next: number | null = null;
    for (const node of this.byName.values()) {
      for (const at of [node.invoices.nextDeadline(), node.payments.nextDeadline()]) {
        if (at !== null && Number.isFinite(at) && (next === null || at < next)) next = at;
      }
    }
    if (this.timer && this.timer.at === next) return;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = null;
    if (next === null) return;
    const at = next;
    const handle = this.clock.setTimeout(
      () => {
        if (this.timer?.handle === handle) this.timer = null;
        this.tick();
      },
      Math.max(0, at - this.clock.now()),
    );
    this.timer = { handle, at };
  }
}

/**
 * Creates an empty network (add nodes and channels next).
 * @example const net = createNetwork({ clock: createManualClock() }); net.addNode({ name: 'alice' });
 */
export function createNetwork(config: NetworkConfig = {}): SimNetwork {
  return new NetworkImpl(config);
}
