/**
 * Backlog catch-up over gRPC: 2,000 invoices paid while lnkit is stopped, then settlements per second
 * and merchant CPU per settlement from `start()` until the last `payment.received`.
 *
 * Each measurement is the first catch-up of a process of its own (bench/support/catchup-child.ts,
 * with its own simulator process): lnkit's settlement path has not run there yet, so V8 compiles
 * it during the catch-up, as in a merchant's process restarted after downtime. A second catch-up in
 * the same process shows the same work with that code compiled. The figures are medians over the
 * processes (a single catch-up swings by a third from run to run on this machine), each with the
 * main thread's CPU apart from the other threads' (V8's compiler, GC helpers).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/grpc/lnd-grpc-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { type Figure, fmt, load, stats } from '../harness.js';
import type { RawAddInvoiceResponse } from '../support/raw-invoice-store.js';
import { runInNewProcess } from '../support/in-new-process.js';
import { spawnChild, type BenchChild } from '../support/spawn-child.js';
import { cpuMicros, openLightning, pool, rawLightning } from './grpc.js';

/** Invoices paid while lnkit is stopped. */
export const BACKLOG = 2_000;

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

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

/** One catch-up: wall time from start() to the last payment.received, and the merchant's CPU. */
export interface CatchUp {
  readonly ms: number;
  readonly cpuMs: number;
  /** The main thread's share of `cpuMs`, or null off Linux. */
  readonly mainMs: number | null;
}

/**
 * Creates BACKLOG invoices with lnkit on `file`, stops it, has them paid, then measures a new
 * lnkit on the same file catching up. `track` is told each running instance (for cleanup).
 */
async function catchUp(
  child: BenchChild,
  file: string,
  track: (open: Lightning | undefined) => void,
): Promise<CatchUp> {
  const creator = await openLightning(child, file);
  track(creator);
  const requests: string[] = [];
  await pool(BACKLOG, 32, async () => {
    requests.push((await creator.invoices.create({ amountSat: 100, description: 'backlog' })).paymentRequest);
  });
  await creator.stop();
  track(undefined);
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
  track(undefined);
  return { ms, cpuMs, mainMs: mainBefore === null || mainAfter === null ? null : mainAfter - mainBefore };
}

/** The two catch-ups of one process: its first, then the same again with the code compiled. */
export async function measureCatchUps(): Promise<{ readonly first: CatchUp; readonly compiled: CatchUp }> {
  const child = await spawnChild('sim');
  const dir = mkdtempSync(join(tmpdir(), 'lnkit-bench-catchup-'));
  let lightning: Lightning | undefined;
  const track = (open: Lightning | undefined): void => void (lightning = open);
  try {
    // A node in service has settled invoices before. A store binding to a node that never settled
    // one reconciles from the node's first invoice (its stream would not replay settle index 0).
    const raw = rawLightning(child);
    const history = (await raw.addInvoice({ value: '1000', memo: 'history' })) as RawAddInvoiceResponse;
    raw.close();
    if ((await child.pay([history.payment_request])) !== 1) throw new Error('the history payment failed');
    const first = await catchUp(child, join(dir, 'first.db'), track);
    const compiled = await catchUp(child, join(dir, 'again.db'), track);
    return { first, compiled };
  } finally {
    await lightning?.stop();
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs bench/support/catchup-child.ts in a new process with this one's Node options; its result. */
const inNewProcess = (): { readonly first: CatchUp; readonly compiled: CatchUp } =>
  runInNewProcess(
    fileURLToPath(new URL('../support/catchup-child.ts', import.meta.url)),
    (out) => [out],
    'catch-up process',
  );

/** The catch-up figures: medians over `processes` first catch-ups, and over their compiled repeats. */
export function benchCatchUp(processes: number): Figure[] {
  const runs = Array.from({ length: processes }, () => inNewProcess());
  const rate = (c: CatchUp): number => (BACKLOG / c.ms) * 1000;
  const cpu = (c: CatchUp): number => c.cpuMs / BACKLOG;
  const list = (xs: readonly number[], digits?: number): string => xs.map((x) => fmt(x, digits)).join(' / ');
  const split = (cs: readonly CatchUp[]): string =>
    cs.some((c) => c.mainMs === null)
      ? ''
      : `; main thread ${list(cs.map((c) => c.mainMs!))} ms, other threads (V8's compiler and GC helpers, libuv) ${list(cs.map((c) => c.cpuMs - c.mainMs!))} ms`;
  const figures = (
    which: 'first' | 'compiled',
  ): { rate: number; cpu: number; detailRate: string; detailCpu: string } => {
    const cs = runs.map((r) => r[which]);
    return {
      rate: stats(cs.map(rate)).median,
      cpu: stats(cs.map(cpu)).median,
      detailRate: `median of ${cs.length} processes: ${list(cs.map(rate))}/s (${list(cs.map((c) => c.ms))} ms from start() to the last payment.received); ${load()}`,
      detailCpu: `median of ${cs.length}: ${list(cs.map(cpu), 3)} ms (${list(cs.map((c) => c.cpuMs))} ms CPU in the merchant process; the simulator runs in its own${split(cs)}); ${load()}`,
    };
  };
  const first = figures('first');
  const compiled = figures('compiled');
  return [
    {
      id: 'catchup.rate',
      label: `backlog catch-up over gRPC (${fmt(BACKLOG)} paid while stopped), first in its process`,
      value: first.rate,
      unit: '/s',
      detail: first.detailRate,
    },
    {
      id: 'catchup.cpu',
      label: 'merchant CPU per caught-up settlement, first catch-up',
      value: first.cpu,
      unit: 'ms',
      detail: first.detailCpu,
    },
    {
      id: 'catchup.rate-compiled',
      label: 'the same catch-up again in each process (its code compiled)',
      value: compiled.rate,
      unit: '/s',
      detail: compiled.detailRate,
    },
    {
      id: 'catchup.cpu-compiled',
      label: 'merchant CPU per caught-up settlement, code compiled',
      value: compiled.cpu,
      unit: 'ms',
      detail: compiled.detailCpu,
    },
  ];
}
