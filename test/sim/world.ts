/**
 * The simulated world of one seed: a manual clock, the in-memory network (alice the merchant, bob
 * the payer, dave unreachable), one store (memory or SQLite) shared by several lnkit instances in
 * simulated processes, webhook receivers, and the full event log of what happened.
 */
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { LIGHTNING_EVENT_NAMES } from '../../src/domain/events.js';
import type { LndClient, LndPayment } from '../../src/lnd/lnd-client.js';
import type { Logger } from '../../src/logger.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { createManualClock, type ManualClock } from '../../src/testing/manual-clock.js';
import type { Clock, TimerHandle } from '../../src/domain/clock.js';
import { createNetwork } from '../../src/testing/network/network.js';
import type { NodeImpl } from '../../src/testing/network/node.js';
import type { SimNetwork } from '../../src/testing/network/types.js';
import { lndClientFromSimNode } from '../../src/testing/sim-lnd-client.js';
import type { HttpPostRequest, HttpPostResult } from '../../src/webhooks/outbox/http-post.js';
import { Prng } from './prng.js';
import { SimProcess, type StoreFaults } from './process.js';
import type { Mutant } from './mutants.js';

/** How a webhook receiver answers. */
export type EndpointMode = '2xx' | '5xx' | '410' | 'timeout';
export const ENDPOINT_MODES: readonly EndpointMode[] = ['2xx', '5xx', '410', 'timeout'];

/** A webhook receiver of the world. */
export interface SimEndpoint {
  readonly index: number;
  readonly url: string;
  readonly secret: string;
  mode: EndpointMode;
  /** Answered 410 at least once: lnkit disables it, so at-least-once no longer applies to it. */
  everGone: boolean;
}

/** One request a receiver got. */
export interface Delivery {
  readonly step: number;
  readonly endpoint: number;
  readonly webhookId: string;
  readonly body: string;
  readonly type: string;
  /** payment hash, or invoice id: what the event is about. */
  readonly subject: string;
  readonly answered: EndpointMode;
}

/** An lnkit instance slot: a process that can die and be started again on the same store. */
export interface Instance {
  readonly index: number;
  generation: number;
  process: SimProcess | null;
  lightning: Lightning | null;
  /** start() resolved and the process has not died since. */
  started: boolean;
  /** The listener id of the current generation (`i1#3`). */
  listener: string;
}

/** An invoice a payer can pay. */
export interface Payable {
  readonly paymentRequest: string;
  readonly paymentHash: string;
  readonly origin: 'lnkit' | 'external' | 'hold';
  /** lnkit's invoice id, when lnkit created it. */
  readonly invoiceId: string | null;
  /** Hold invoices: the preimage the shop keeps (sim-generated). */
  readonly preimage: string | null;
  /** History epoch of the node when it was created. */
  readonly epoch: number;
  /** Created before the store's first checkpoint write (#10 item 3's window). */
  readonly beforeFirstCheckpoint?: boolean;
}

/** A settlement the node made, known from the payer's side. */
export interface NodeSettlement {
  readonly paymentHash: string;
  readonly epoch: number;
  readonly step: number;
  /** Settled before any lnkit started on this store: not expected to be recorded (documented cold-start choice). */
  readonly beforeStart: boolean;
  /** Settled while the store had no checkpoint yet, or its invoice was created (elsewhere) before the first one: #10 item 3. */
  readonly beforeFirstCheckpoint: boolean;
  /** Settled in a history that was reset before lnkit recorded it: the node itself forgot it. */
  lostWithHistory: boolean;
}

/** Settings of a world, drawn from the seed. */
export interface WorldSetup {
  readonly storeKind: 'memory' | 'sqlite';
  readonly instances: number;
  readonly endpoints: number;
  readonly preHistory: number;
}

/** Options of a run. */
export interface WorldOptions {
  readonly seed: number;
  readonly mutant?: Mutant | undefined;
  /** The node may have invoices (some paid) from before lnkit. Default true. */
  readonly preHistory?: boolean;
  /** Do not expect settlements made before the store's first checkpoint to be recorded (#10 item 3 open). */
  readonly excuseColdStart?: boolean;
}

const START = Date.UTC(2026, 0, 1);

/**
 * The world's clock: a manual clock whose wall time can also jump (NTP stepping the clock) without
 * firing every periodic timer in between, as a real jump does.
 */
export class SimClock implements Clock {
  private offset = 0;
  constructor(private readonly base: ManualClock) {}
  now(): number {
    return this.base.now() + this.offset;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.base.setTimeout(fn, ms);
  }
  clearTimeout(handle: TimerHandle): void {
    this.base.clearTimeout(handle);
  }
  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): Promise<void> {
    return this.base.advance(ms);
  }
  /** Wall time jumps by `ms`; timers keep their delays. */
  jump(ms: number): void {
    this.offset += ms;
  }
}
const RATE = '90000';

/** The world of one seed. */
export class World {
  readonly clock: SimClock;
  readonly network: SimNetwork;
  readonly alice: NodeImpl;
  readonly bob: LndClient;
  readonly baseStore: Store;
  readonly setup: WorldSetup;
  readonly instances: Instance[] = [];
  readonly endpoints: SimEndpoint[] = [];
  readonly faults: StoreFaults = { failNextWrite: false, readOnlyUntil: 0 };
  readonly events: string[] = [];
  /** Every log line, event payload, error and webhook body, for the secret scan. */
  readonly texts = new TextScan();
  /** Secrets that must never appear in `texts`: preimages, webhook secrets. */
  readonly secrets = new Set<string>();
  readonly payables: Payable[] = [];
  readonly settlements = new Map<string, NodeSettlement>();
  readonly deliveries: Delivery[] = [];
  /** payment.received per listener: listener → payment hash → times heard. */
  readonly heard = new Map<string, Map<string, number>>();
  /** The step each listener (process generation) started at. */
  readonly listenerSince = new Map<string, number>();
  /** Outgoing invoices alice pays: payment request → payment hash. */
  readonly outgoing = new Map<string, { hash: string; routable: boolean; key: string | null }>();
  /** Violations found while running (sendPayment checks), picked up by the step check. */
  readonly immediate: { invariant: string; message: string }[] = [];
  /**
   * Rows written this step (ids) and checkpoints touched (name → history epoch of the last write: a
   * value written before a reset in the same step belongs to the old history), for the state-machine check.
   */
  readonly touched = {
    invoices: new Set<string>(),
    payments: new Set<string>(),
    checkpoints: new Map<string, number>(),
  };
  /** History epoch of alice: +1 at every reset. */
  epoch = 0;
  step = -1;
  lndDownUntil = 0;
  /** Clock time a clockJump adds after the step. */
  pendingJump = 0;
  anyStarted = false;
  /** Some process wrote a checkpoint (committed or not). */
  anyCheckpoint = false;
  private opSeq = 0;
  private readonly lnkitRandom: Prng;
  private readonly sim: Prng;
  private readonly aliceLnd: LndClient;
  readonly pending = new Set<Promise<unknown>>();

  constructor(readonly options: WorldOptions) {
    const setupPrng = new Prng(options.seed, 'setup');
    this.setup = {
      storeKind: setupPrng.chance(0.5) ? 'memory' : 'sqlite',
      instances: setupPrng.between(1, 3),
      endpoints: setupPrng.between(0, 2),
      preHistory: setupPrng.chance(0.4) && options.preHistory !== false ? setupPrng.between(1, 3) : 0,
    };
    this.lnkitRandom = new Prng(options.seed, 'lnkit');
    this.sim = new Prng(options.seed, 'world');
    this.clock = new SimClock(createManualClock(START));
    const netRandom = new Prng(options.seed, 'network');
    this.network = createNetwork({ clock: this.clock, random: () => netRandom.next() });
    this.network.addNode({ name: 'alice', alias: 'alice (merchant)' });
    this.network.addNode({ name: 'bob', alias: 'bob (payer)' });
    this.network.addNode({ name: 'dave', alias: 'dave (unreachable)' });
    this.network.addChannel({ a: 'alice', b: 'bob', capacitySat: 10_000_000n, localSatA: 2_000_000n });
    this.alice = this.network.node('alice') as NodeImpl;
    this.bob = lndClientFromSimNode(this.network.node('bob'), this.network);
    const aliceLnd = lndClientFromSimNode(this.alice, this.network);
    this.aliceLnd = this.checkSends(options.mutant?.wrapLnd ? options.mutant.wrapLnd(aliceLnd) : aliceLnd);
    const store = this.setup.storeKind === 'memory' ? createMemoryStore() : createSqliteStore({ filename: ':memory:' });
    this.baseStore = options.mutant?.wrapStore ? options.mutant.wrapStore(store, this) : store;
    for (let i = 0; i < this.setup.endpoints; i++) {
      const secret = `whsec_${Buffer.from(setupPrng.hex(24), 'hex').toString('base64')}`;
      this.secrets.add(secret);
      this.texts.watch(secret.slice('whsec_'.length));
      this.endpoints.push({
        index: i,
        url: `https://hooks.example.com/e${i}`,
        secret,
        mode: setupPrng.chance(0.8) ? '2xx' : setupPrng.pick(ENDPOINT_MODES),
        everGone: false,
      });
    }
    for (let i = 0; i < this.setup.instances; i++)
      this.instances.push({ index: i, generation: 0, process: null, lightning: null, started: false, listener: '' });
  }

  /** Time since the start, for log lines. */
  get t(): number {
    return this.clock.now() - START;
  }

  log(line: string): void {
    this.events.push(`${this.step} +${this.t} ${line}`);
  }

  /** A random number for the simulation's own choices at run time (never for the schedule). */
  get prng(): Prng {
    return this.sim;
  }

  // ---------------------------------------------------------------- processes

  /** Starts (or restarts) instance `i` in a new process on the same store. */
  async startInstance(i: number): Promise<void> {
    const slot = this.instances[i]!;
    if (slot.process?.isAlive) return;
    slot.generation++;
    const name = `i${i}#${slot.generation}`;
    slot.listener = name;
    this.listenerSince.set(name, this.step);
    const proc = new SimProcess(name, this.clock, this.aliceLnd, this.baseStore, this.faults, {
      wrote: (repo, method, key, args) => {
        if (key === null) return;
        if (repo === 'invoices') this.touched.invoices.add(key);
        else if (repo === 'payments') this.touched.payments.add(key);
        else if (repo === 'checkpoints') {
          this.log(`store ${name} checkpoints.${method} ${key} ${String(args[1])}`);
          this.touched.checkpoints.set(key, this.epoch);
          this.anyCheckpoint = true;
        }
      },
    });
    slot.process = proc;
    slot.started = false;
    const lightning = createLightning({
      lnd: proc.lnd,
      rates: createFixedRates(RATE, { clock: proc.clock }),
      store: proc.store,
      clock: proc.clock,
      random: () => this.lnkitRandom.next(),
      logger: this.captureLogger(name),
      settlement: { minBackoffMs: 250, maxBackoffMs: 10_000, reconcileIntervalMs: 60_000 },
      expirySweepIntervalMs: 15_000,
      // Other processes' events arrive within 1 s (#10's promise); 100 ms polls on the manual clock
      // would triple the CPU cost of a seed (a seed spans ~20 simulated minutes per process).
      eventPollIntervalMs: 1_000,
      holdInvoices: { checkIntervalMs: 30_000 },
      webhooks: {
        endpoints: this.endpoints.map((e) => ({ url: e.url, secret: e.secret })),
        delivery: {
          post: (request) => this.receive(proc, request),
          timeoutMs: 5_000,
          pollIntervalMs: 5_000,
          retrySchedule: [1_000, 5_000, 30_000, 60_000, 120_000],
          disableAfterMs: 30 * 24 * 3_600_000,
        },
      },
    });
    const wrapped = this.options.mutant?.wrapLightning ? this.options.mutant.wrapLightning(lightning, this) : lightning;
    slot.lightning = wrapped;
    for (const type of LIGHTNING_EVENT_NAMES) {
      wrapped.events.on(type, (payload: unknown) => {
        if (!proc.isAlive) return;
        this.onEvent(name, type, payload);
      });
    }
    this.log(`start ${name}`);
    try {
      await wrapped.start();
      if (!proc.isAlive) return;
      slot.started = true;
      this.anyStarted = true;
      this.log(`started ${name}`);
    } catch (error) {
      if (!proc.isAlive) return;
      this.logError(`start ${name} failed`, error);
      proc.kill();
    }
  }

  /** SIGKILL of instance `i`. */
  crash(i: number): void {
    const slot = this.instances[i]!;
    if (!slot.process?.isAlive) return;
    slot.process.kill();
    slot.started = false;
    this.log(`crash ${slot.listener}`);
  }

  /** A live, started instance chosen by `draw`, or null. */
  liveInstance(draw: number): Instance | null {
    const live = this.instances.filter((s) => s.started && s.process?.isAlive);
    return live.length === 0 ? null : live[draw % live.length]!;
  }

  // ---------------------------------------------------------------- observation

  private captureLogger(name: string): Logger {
    const line = (level: string) => (fields: Record<string, unknown>, message: string) => {
      this.texts.add(`${level} ${message} ${stringify(fields)}`);
      if (level === 'error' || level === 'warn') this.log(`log ${name} ${level} ${message}`);
    };
    return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  }

  private onEvent(listener: string, type: string, payload: unknown): void {
    const text = stringify(payload);
    this.texts.add(text);
    const p = payload as {
      payment?: { paymentHash?: string; status?: string };
      invoice?: { id?: string; status?: string };
    };
    const subject = p.payment?.paymentHash ?? p.invoice?.id ?? '';
    this.log(`event ${listener} ${type} ${subject}`);
    if (type === 'payment.received' && p.payment?.paymentHash) {
      const tally = this.heard.get(listener) ?? new Map<string, number>();
      tally.set(p.payment.paymentHash, (tally.get(p.payment.paymentHash) ?? 0) + 1);
      this.heard.set(listener, tally);
    }
  }

  logError(what: string, error: unknown): void {
    const e = error as { code?: string; message?: string };
    const message = e?.message ?? String(error);
    this.texts.add(`${what}: ${message} ${stringify(error)}`);
    this.log(`${what}: ${e?.code ?? 'ERROR'} ${message}`);
  }

  /** A webhook receiver: answers by its endpoint's mode, on the sending process's clock. */
  private receive(proc: SimProcess, request: HttpPostRequest): Promise<HttpPostResult> {
    const endpoint = this.endpoints.find((e) => e.url === request.url.toString());
    const body = Buffer.from(request.body).toString('utf8');
    const webhookId = request.headers['webhook-id'] ?? '';
    const mode = endpoint?.mode ?? '5xx';
    let type: string;
    let subject = '';
    try {
      const parsed = JSON.parse(body) as { type: string; data: Record<string, unknown> };
      type = parsed.type;
      subject = String(parsed.data['payment_hash'] ?? parsed.data['invoice_id'] ?? parsed.data['id'] ?? '');
    } catch {
      type = 'unparseable';
    }
    this.texts.add(`${JSON.stringify(request.headers)} ${body}`);
    if (endpoint) {
      if (mode === '410') endpoint.everGone = true;
      this.deliveries.push({
        step: this.step,
        endpoint: endpoint.index,
        webhookId,
        body,
        type,
        subject,
        answered: mode,
      });
    }
    this.log(`webhook ${proc.name} e${endpoint?.index ?? '?'} ${webhookId} ${type} ${subject} ${mode}`);
    const result = (statusCode: number | null, error: string | null): HttpPostResult => ({
      statusCode,
      headers: {},
      body: '',
      truncated: false,
      latencyMs: 0,
      error,
    });
    if (mode === 'timeout') {
      return new Promise((resolve) => {
        proc.clock.setTimeout(() => resolve(result(null, 'timed out')), request.timeoutMs);
      });
    }
    return Promise.resolve(mode === '2xx' ? result(200, null) : mode === '410' ? result(410, null) : result(503, null));
  }

  /** Alice's LND as every process sees it, checking that no payment is sent twice. */
  private checkSends(lnd: LndClient): LndClient {
    return {
      ...lnd,
      sendPayment: (input) => {
        const target = this.outgoing.get(input.paymentRequest);
        if (target) {
          const record = this.alice.payments.get(target.hash);
          if (record && record.status !== 'FAILED') {
            this.immediate.push({
              invariant: 'noDoubleSend',
              message: `sendPayment for ${target.hash} while LND already has it ${record.status}`,
            });
          }
          this.log(`lnd.sendPayment ${target.hash}`);
        }
        return lnd.sendPayment(input);
      },
    };
  }

  // ---------------------------------------------------------------- operations

  /** Runs `op` in the background; its outcome goes to the log when it settles. */
  track<T>(label: string, op: () => Promise<T>, summarize: (value: T) => string = () => 'ok'): void {
    const seq = ++this.opSeq;
    this.log(`op#${seq} ${label}`);
    const promise = (async () => {
      try {
        const value = await op();
        this.log(`op#${seq} → ${summarize(value)}`);
      } catch (error) {
        this.logError(`op#${seq} →`, error);
      }
    })();
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  /** Bob pays `payable`; a success is a settlement of alice's node. */
  bobPays(payable: Payable, label: string): void {
    this.track(
      `${label} ${payable.paymentHash}`,
      async () => {
        let last: LndPayment | undefined;
        for await (const update of this.bob.sendPayment({
          paymentRequest: payable.paymentRequest,
          feeLimitMsat: 1_000_000n,
        }))
          last = update;
        if (last?.status === 'SUCCEEDED') this.noteSettled(payable);
        if (last?.preimage) this.secrets.add(last.preimage);
        return last;
      },
      (last) => `${last?.status ?? 'no update'}${last?.failureReason ? ` ${last.failureReason}` : ''}`,
    );
  }

  noteSettled(payable: Payable): void {
    if (this.settlements.has(payable.paymentHash)) return;
    this.settlements.set(payable.paymentHash, {
      paymentHash: payable.paymentHash,
      epoch: this.epoch,
      step: this.step,
      beforeStart: !this.anyStarted,
      beforeFirstCheckpoint: !this.anyCheckpoint || payable.beforeFirstCheckpoint === true,
      lostWithHistory: false,
    });
  }

  /**
   * Alice's node loses its invoice history (restored from seed). Settlements of the old history that
   * lnkit had not recorded are gone with it: the node cannot report them any more.
   */
  async resetHistory(): Promise<void> {
    for (const s of this.settlements.values()) {
      if (s.epoch !== this.epoch || s.beforeStart) continue;
      const row = await this.baseStore.payments.getByPaymentHash(s.paymentHash, 'in');
      if (!row) s.lostWithHistory = true;
    }
    this.alice.resetHistory();
    this.epoch++;
    this.log(`fault node history reset (epoch ${this.epoch})`);
  }

  /** Waits until every background operation settled or `rounds` clock turns passed. */
  async settle(rounds: number, stepMs: number): Promise<void> {
    for (let i = 0; i < rounds; i++) await this.clock.advance(stepMs);
  }

  async close(): Promise<void> {
    for (const slot of this.instances) slot.process?.kill();
    this.network.close();
    await this.baseStore.close().catch(() => undefined);
  }
}

const HEX64 = /[0-9a-f]{64}/g;

/**
 * What lnkit wrote (log lines, events, errors, webhooks), kept as the 64-hex tokens it contained
 * (a preimage is one) and every text containing a webhook secret's key. Preimages become known
 * later than the lines that might leak them, so tokens are kept for the final check.
 */
export class TextScan {
  /** token → the first text it appeared in (an excerpt). */
  readonly tokens = new Map<string, string>();
  /** Tokens in the order first seen. */
  readonly order: string[] = [];
  readonly all: string[] = [];
  count = 0;
  constructor(private readonly keepAll = false) {}

  add(text: string): void {
    this.count++;
    if (this.keepAll) this.all.push(text);
    for (const token of text.match(HEX64) ?? []) {
      if (this.tokens.has(token)) continue;
      this.tokens.set(token, text.slice(0, 300));
      this.order.push(token);
    }
    for (const key of this.watched)
      if (!this.tokens.has(`watched:${key}`) && text.includes(key))
        this.tokens.set(`watched:${key}`, text.slice(0, 300));
  }

  /** Strings known up front (webhook secrets' keys) looked for in every text. */
  watch(key: string): void {
    this.watched.push(key);
  }
  private readonly watched: string[] = [];
}

/** JSON with bigint as strings and errors as name + message. */
export function stringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint'
        ? v.toString()
        : v instanceof Error
          ? { name: v.name, message: v.message, code: (v as { code?: unknown }).code }
          : v,
    );
  } catch {
    return String(value);
  }
}
