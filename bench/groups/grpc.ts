/**
 * The gRPC figures, each server in its own process (bench/support/child.ts):
 *  - client CPU per unary AddInvoice: lnkit's `createLndClient` / raw grpc-js (the same protos with
 *    LND's documented loader options, the macaroon as call metadata, a deadline) against a no-op TLS server;
 *  - `invoices.create` at concurrency 32 / bare AddInvoice at concurrency 32 on the same simulator;
 *  - backlog catch-up: 2,000 invoices paid while lnkit is stopped, then settlements per second
 *    and merchant CPU per settlement from `start()` until the last `payment.received`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/grpc/lnd-grpc-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { loadLndServices } from '../../src/testing/simulator/load-protos.js';
import { type Figure, fmt, interleave, load, ratioFigure } from '../harness.js';
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

/** invoices.create at concurrency 32 / bare AddInvoice, and the backlog catch-up, on one simulator. */
export async function benchSimulatorGrpc(rounds: number): Promise<Figure[]> {
  const child = await spawnChild('sim');
  const dir = mkdtempSync(join(tmpdir(), 'lnkit-bench-grpc-'));
  const raw = rawLightning(child);
  let lightning: Lightning | undefined;
  try {
    lightning = await openLightning(child, join(dir, 'create.db'));
    const open = lightning;
    const perRound = 640;
    const timed = (fn: (i: number) => Promise<unknown>) => async () => {
      const started = performance.now();
      await pool(perRound, 32, fn);
      return (perRound / (performance.now() - started)) * 1000;
    };
    const c = await interleave(
      { name: 'lnkit', run: timed((i) => open.invoices.create({ amountSat: 1000 + (i % 7), description: 'bench' })) },
      { name: 'raw', run: timed(() => raw.addInvoice({ value: '1000', memo: 'bench' })) },
      { rounds },
    );
    await lightning.stop();
    lightning = undefined;
    const figures = [
      ratioFigure('invoices.create', 'invoices.create at concurrency 32 / bare AddInvoice (simulator)', c, {
        subject: 'lnkit',
        baseline: 'AddInvoice',
        unit: '/s',
      }),
    ];

    // Backlog catch-up: 2,000 invoices, paid while lnkit is stopped.
    const backlog = 2_000;
    const file = join(dir, 'catchup.db');
    lightning = await openLightning(child, file);
    const requests: string[] = [];
    const creator = lightning;
    await pool(backlog, 32, async () => {
      requests.push((await creator.invoices.create({ amountSat: 1000, description: 'backlog' })).paymentRequest);
    });
    await lightning.stop();
    lightning = undefined;
    const paid = await child.pay(requests);
    if (paid !== backlog) throw new Error(`expected ${backlog} payments, ${paid} succeeded`);
    const catching = createLightning({
      lnd: createLndClient({ socket: child.socket, cert: child.cert, macaroon: child.macaroon }),
      rates: createFixedRates('90000'),
      store: createSqliteStore({ filename: file }),
      webhooks: { dispatch: false },
    });
    lightning = catching;
    let received = 0;
    const done = new Promise<void>((resolve) =>
      catching.events.on('payment.received', () => {
        if (++received === backlog) resolve();
      }),
    );
    const cpuBefore = cpuMicros();
    const started = performance.now();
    await catching.start();
    await done;
    const ms = performance.now() - started;
    const cpuMs = (cpuMicros() - cpuBefore) / 1000;
    figures.push(
      {
        id: 'catchup.rate',
        label: `backlog catch-up over gRPC (${fmt(backlog)} paid while stopped)`,
        value: (backlog / ms) * 1000,
        unit: '/s',
        detail: `${fmt(ms)} ms from start() to the last payment.received; ${load()}`,
      },
      {
        id: 'catchup.cpu',
        label: 'merchant CPU per caught-up settlement',
        value: cpuMs / backlog,
        unit: 'ms',
        detail: `${fmt(cpuMs)} ms CPU in the merchant process (the simulator runs in its own); ${load()}`,
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
