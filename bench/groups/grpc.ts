/**
 * The gRPC figures, each server in its own process (bench/support/child.ts):
 *  - client CPU per unary AddInvoice: lnkit's `createLndClient` / raw grpc-js (the same protos with
 *    LND's documented loader options, the macaroon as call metadata, a deadline) against a no-op TLS server;
 *  - `invoices.create` at concurrency 32 / bare AddInvoice at concurrency 32 on the same simulator;
 *  - the floor under creates: bare AddInvoice plus the invoice's row and event-log row in raw
 *    better-sqlite3, group-committed (bench/support/raw-invoice-store.ts), next to both;
 *  - backlog catch-up: 2,000 invoices paid while lnkit is stopped, then settlements per second
 *    and merchant CPU per settlement from `start()` until the last `payment.received`: the process's
 *    first catch-up (budgeted), then a second one with the settlement path compiled, each with the
 *    main thread's CPU apart from the other threads' (V8 compiling, GC helpers).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/grpc/lnd-grpc-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { loadLndServices } from '../../src/testing/simulator/load-protos.js';
import { type Figure, fmt, interleave, load, ratioFigure } from '../harness.js';
import { openRawInvoiceStore, type RawAddInvoiceResponse } from '../support/raw-invoice-store.js';
import { spawnChild, type BenchChild } from '../support/spawn-child.js';

type Unary = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  cb: grpc.requestCallback<unknown>,
) => void;

/** A raw grpc-js Lightning client as LND's own docs write one: macaroon as call metadata, TLS. */
function rawLightning(child: BenchChild): { addInvoice(request: object): Promise<unknown>; close(): void } {
  const services = loadLndServices();
  const credentials = grpc.credentials.combineChannelCredentials(
    grpc.credentials.createSsl(Buffer.from(child.cert)),
    grpc.credentials.createFromMetadataGenerator((_params, callback) => {
      const metadata = new grpc.Metadata();
      metadata.add('macaroon', child.macaroon);
      callback(null, metadata);
    }),
  );
  const client = new services.Lightning(child.socket, credentials);
  const call = (client as unknown as { AddInvoice: Unary }).AddInvoice.bind(client);
  return {
    addInvoice: (request) =>
      new Promise((resolve, reject) =>
        call(request, new grpc.Metadata(), { deadline: Date.now() + 30_000 }, (error, response) =>
          error ? reject(error) : resolve(response),
        ),
      ),
    close: () => client.close(),
  };
}

/** Runs `total` calls of `fn`, `concurrency` at a time. */
async function pool(total: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) await fn(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** Client CPU per unary call, lnkit / raw grpc-js, against the no-op server. */
export async function benchGrpcClientCpu(rounds: number): Promise<Figure[]> {
  const child = await spawnChild('noop');
  const lnkit = createLndClient({ socket: child.socket, cert: child.cert, macaroon: child.macaroon });
  const raw = rawLightning(child);
  try {
    const calls = 1_500;
    const measure = (fn: (i: number) => Promise<unknown>) => async () => {
      const before = cpuMicros();
      await pool(calls, 8, fn);
      return (cpuMicros() - before) / calls;
    };
    const c = await interleave(
      { name: 'lnkit', run: measure((i) => lnkit.addInvoice({ valueMsat: 1000n, memo: `bench ${i}` })) },
      { name: 'raw', run: measure((i) => raw.addInvoice({ value_msat: '1000', memo: `bench ${i}` })) },
      { rounds, warmup: 2 },
    );
    return [
      ratioFigure('grpc.client-cpu', 'gRPC client CPU per AddInvoice (lnkit / raw grpc-js), no-op TLS server', c, {
        subject: 'lnkit',
        baseline: 'raw',
        unit: ' µs',
      }),
    ];
  } finally {
    raw.close();
    await lnkit.close();
    await child.stop();
  }
}

async function openLightning(child: BenchChild, file: string): Promise<Lightning> {
  const lightning = createLightning({
    lnd: createLndClient({ socket: child.socket, cert: child.cert, macaroon: child.macaroon }),
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: file }),
    webhooks: { dispatch: false },
  });
  await lightning.start();
  return lightning;
}

const BACKLOG = 2_000;

/** This thread's CPU in ms (Linux: /proc/self/task/<pid>/stat), or null where it cannot be read. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** One catch-up: wall time from start() to the last payment.received, and the merchant's CPU. */
interface CatchUp {
  readonly ms: number;
  readonly cpuMs: number;
  /** The main thread's share of `cpuMs`, or null off Linux. */
  readonly mainMs: number | null;
}

/**
 * Creates BACKLOG invoices with lnkit on `file`, stops it, has them paid, then measures a new
 * lnkit on the same file catching up. `track` is told each running instance (for cleanup).
 */
async function catchUp(child: BenchChild, file: string, track: (open: Lightning) => void): Promise<CatchUp> {
  const creator = await openLightning(child, file);
  track(creator);
  const requests: string[] = [];
  await pool(BACKLOG, 32, async () => {
    requests.push((await creator.invoices.create({ amountSat: 100, description: 'backlog' })).paymentRequest);
  });
  await creator.stop();
  const paid = await child.pay(requests);
  if (paid !== BACKLOG) throw new Error(`expected ${BACKLOG} payments, ${paid} succeeded`);
  const catching = createLightning({
    lnd: createLndClient({ socket: child.socket, cert: child.cert, macaroon: child.macaroon }),
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: file }),
    webhooks: { dispatch: false },
  });
  track(catching);
  let received = 0;
  const done = new Promise<void>((resolve) =>
    catching.events.on('payment.received', () => {
      if (++received === BACKLOG) resolve();
    }),
  );
  const cpuBefore = cpuMicros();
  const mainBefore = mainThreadCpuMs();
  const started = performance.now();
  await catching.start();
  await done;
  const ms = performance.now() - started;
  const cpuMs = (cpuMicros() - cpuBefore) / 1000;
  const mainAfter = mainThreadCpuMs();
  await catching.stop();
  return { ms, cpuMs, mainMs: mainBefore === null || mainAfter === null ? null : mainAfter - mainBefore };
}

/** invoices.create at concurrency 32 / bare AddInvoice, and the backlog catch-up, on one simulator. */
export async function benchSimulatorGrpc(rounds: number): Promise<Figure[]> {
  const child = await spawnChild('sim');
  const dir = mkdtempSync(join(tmpdir(), 'lnkit-bench-grpc-'));
  const raw = rawLightning(child);
  let lightning: Lightning | undefined;
  try {
    // A node in service has settled invoices before. A store binding to a node that never settled
    // one reconciles from the node's first invoice (its stream would not replay settle index 0), so
    // without this the catch-up below would also scan every invoice the create rounds left open.
    const first = (await raw.addInvoice({ value: '1000', memo: 'history' })) as RawAddInvoiceResponse;
    if ((await child.pay([first.payment_request])) !== 1) throw new Error('the history payment failed');
    lightning = await openLightning(child, join(dir, 'create.db'));
    const open = lightning;
    const perRound = 640;
    const timed = (fn: (i: number) => Promise<unknown>) => async () => {
      const started = performance.now();
      await pool(perRound, 32, fn);
      return (perRound / (performance.now() - started)) * 1000;
    };
    const lnkitSide = {
      name: 'lnkit',
      run: timed((i) => open.invoices.create({ amountSat: 1000 + (i % 7), description: 'bench' })),
    };
    const rawSide = { name: 'raw', run: timed(() => raw.addInvoice({ value: '1000', memo: 'bench' })) };
    const c = await interleave(lnkitSide, rawSide, { rounds });
    // The floor: bare AddInvoice plus the least any library keeping its invoices in SQLite writes.
    const floorStore = await openRawInvoiceStore(join(dir, 'floor.db'));
    const floorSide = {
      name: 'floor',
      run: timed(async () =>
        floorStore.record(
          (await raw.addInvoice({ value: '1000', memo: 'bench' })) as RawAddInvoiceResponse,
          1_000_000n,
          'bench',
        ),
      ),
    };
    const floor = await interleave(floorSide, rawSide, { rounds });
    const versusFloor = await interleave(lnkitSide, floorSide, { rounds });
    floorStore.close();
    await lightning.stop();
    lightning = undefined;
    const figures = [
      ratioFigure('invoices.create', 'invoices.create at concurrency 32 / bare AddInvoice (simulator)', c, {
        subject: 'lnkit',
        baseline: 'AddInvoice',
        unit: '/s',
      }),
      ratioFigure(
        'invoices.create-floor',
        'floor: AddInvoice + raw SQLite row and event row (group commit) / bare AddInvoice',
        floor,
        { subject: 'floor', baseline: 'AddInvoice', unit: '/s' },
      ),
      ratioFigure('invoices.create-vs-floor', 'invoices.create at concurrency 32 / that floor', versusFloor, {
        subject: 'lnkit',
        baseline: 'floor',
        unit: '/s',
      }),
    ];

    // Backlog catch-up: 2,000 invoices, paid while lnkit is stopped. The first catch-up of this
    // process is the budgeted figure (the settlement path has not run here yet: V8 compiles it
    // during the catch-up, as in a merchant's process restarted after downtime); a second one in
    // the same process shows the same work with that code compiled.
    const cold = await catchUp(child, join(dir, 'catchup.db'), (open) => (lightning = open));
    lightning = undefined;
    const warm = await catchUp(child, join(dir, 'catchup-again.db'), (open) => (lightning = open));
    lightning = undefined;
    const split = (c: CatchUp): string =>
      c.mainMs === null
        ? ''
        : `; main thread ${fmt(c.mainMs)} ms, other threads (V8's compiler and GC helpers, libuv) ${fmt(c.cpuMs - c.mainMs)} ms`;
    figures.push(
      {
        id: 'catchup.rate',
        label: `backlog catch-up over gRPC (${fmt(BACKLOG)} paid while stopped)`,
        value: (BACKLOG / cold.ms) * 1000,
        unit: '/s',
        detail: `${fmt(cold.ms)} ms from start() to the last payment.received; first catch-up of the process; ${load()}`,
      },
      {
        id: 'catchup.cpu',
        label: 'merchant CPU per caught-up settlement',
        value: cold.cpuMs / BACKLOG,
        unit: 'ms',
        detail: `${fmt(cold.cpuMs)} ms CPU in the merchant process (the simulator runs in its own)${split(cold)}; ${load()}`,
      },
      {
        id: 'catchup.rate-compiled',
        label: 'the same catch-up again in this process (its code compiled)',
        value: (BACKLOG / warm.ms) * 1000,
        unit: '/s',
        detail: `${fmt(warm.ms)} ms from start() to the last payment.received; ${load()}`,
      },
      {
        id: 'catchup.cpu-compiled',
        label: 'merchant CPU per caught-up settlement, code compiled',
        value: warm.cpuMs / BACKLOG,
        unit: 'ms',
        detail: `${fmt(warm.cpuMs)} ms CPU${split(warm)}; ${load()}`,
      },
    );
    return figures;
  } finally {
    await lightning?.stop();
    raw.close();
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
