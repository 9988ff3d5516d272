/**
 * The gRPC figures, each server in its own process (bench/support/child.ts):
 *  - client CPU per unary AddInvoice: lnkit's `createLndClient` / raw grpc-js (the same protos with
 *    LND's documented loader options, the macaroon as call metadata, a deadline) against a no-op TLS server;
 *  - `invoices.create` at concurrency 32 / bare AddInvoice at concurrency 32 on the same simulator;
 *  - the floor under creates: bare AddInvoice plus the invoice's row and event-log row in raw
 *    better-sqlite3, group-committed (bench/support/raw-invoice-store.ts), next to both;
 * The backlog catch-up is in catchup.ts.
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
import { type Figure, interleave, ratioFigure } from '../harness.js';
import { openRawInvoiceStore, type RawAddInvoiceResponse } from '../support/raw-invoice-store.js';
import { spawnChild, type BenchChild } from '../support/spawn-child.js';

type Unary = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  cb: grpc.requestCallback<unknown>,
) => void;

/** A raw grpc-js Lightning client as LND's own docs write one: macaroon as call metadata, TLS. */
export function rawLightning(child: BenchChild): { addInvoice(request: object): Promise<unknown>; close(): void } {
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
export async function pool(total: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) await fn(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** This process's CPU time (all threads) in µs. */
export const cpuMicros = (): number => {
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

/** A started lnkit on the simulator child and a SQLite file, webhooks not dispatched. */
export async function openLightning(child: BenchChild, file: string): Promise<Lightning> {
  const lightning = createLightning({
    lnd: createLndClient({ socket: child.socket, cert: child.cert, macaroon: child.macaroon }),
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: file }),
    webhooks: { dispatch: false },
  });
  await lightning.start();
  return lightning;
}

/** invoices.create at concurrency 32 / bare AddInvoice, and the floor under it, on one simulator. */
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
    const figures: Figure[] = [
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

    return figures;
  } finally {
    await lightning?.stop();
    raw.close();
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
