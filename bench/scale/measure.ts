/**
 * Times every list and lookup of a Store on a large data set: p50/p95 over many runs with varied
 * positions (random keyset cursors, windows and hashes), so caches do not flatter the figures.
 */
import { encodeCursor } from '../../src/store/paging.js';
import type { Store } from '../../src/store/store.js';

/** One measured query. */
export interface QueryFigure {
  readonly name: string;
  readonly p50: number;
  readonly p95: number;
  /**
   * p95 of the process CPU time per run: the query's own work, without the time the OS gave other
   * processes (on a shared, loaded machine wall-clock p95 measures the neighbours).
   */
  readonly cpuP95: number;
  /** Rows the last run returned (a page of 50 should return 50 when the data has them). */
  readonly rows: number;
  /** False for queries outside the "page of 50" budget (limit 1000). */
  readonly budgeted: boolean;
}

/** What the generator made, so that the queries can aim at real rows. */
export interface DataShape {
  readonly createdAtOf: (i: number) => number;
  readonly idOf: (i: number) => string;
  readonly invoices: number;
  readonly now: number;
  readonly endpointId: string;
  readonly sampleHashes: readonly string[];
  readonly sampleEventIds: readonly string[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Runs each query `runs` times (after a few warm-up runs) and returns the figures. */
export async function measureQueries(store: Store, shape: DataShape, runs = 200): Promise<QueryFigure[]> {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const anyIndex = () => Math.floor(random() * shape.invoices);
  const cursorAt = () => {
    const i = anyIndex();
    return encodeCursor({ createdAtMs: shape.createdAtOf(i), id: shape.idOf(i) });
  };
  // Webhook rows exist for the newest part of the history only (the retention window).
  const recentCursor = () => {
    const i = shape.invoices - 1 - Math.floor(random() * shape.invoices * 0.08);
    return encodeCursor({ createdAtMs: shape.createdAtOf(i), id: shape.idOf(i) });
  };
  const window = () => {
    const i = anyIndex();
    return { createdAfter: new Date(shape.createdAtOf(i) - 86_400_000), createdBefore: new Date(shape.createdAtOf(i)) };
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;

  const queries: [string, () => Promise<number>, boolean?][] = [
    ['invoices.list() first page', async () => (await store.invoices.list()).items.length],
    ["invoices.list({ status: 'open' })", async () => (await store.invoices.list({ status: 'open' })).items.length],
    [
      "invoices.list({ status: ['expired', 'cancelled'] })",
      async () => (await store.invoices.list({ status: ['expired', 'cancelled'] })).items.length,
    ],
    ['invoices.list({ createdAfter, createdBefore })', async () => (await store.invoices.list(window())).items.length],
    [
      "invoices.list({ status: 'settled', createdAfter, createdBefore })",
      async () => (await store.invoices.list({ status: 'settled', ...window() })).items.length,
    ],
    [
      "invoices.list({ status: ['expired', 'cancelled'], createdAfter, createdBefore })",
      async () => (await store.invoices.list({ status: ['expired', 'cancelled'], ...window() })).items.length,
    ],
    ['invoices.list({ isHold: true })', async () => (await store.invoices.list({ isHold: true })).items.length],
    [
      "invoices.list({ isHold: true, status: 'accepted' })",
      async () => (await store.invoices.list({ isHold: true, status: 'accepted' })).items.length,
    ],
    [
      'invoices.list({ cursor }) deep page',
      async () => (await store.invoices.list({ cursor: cursorAt() })).items.length,
    ],
    [
      "invoices.list({ status: ['expired', 'cancelled'], cursor }) deep page",
      async () => (await store.invoices.list({ status: ['expired', 'cancelled'], cursor: cursorAt() })).items.length,
    ],
    ['invoices.list({ limit: 1000 })', async () => (await store.invoices.list({ limit: 1000 })).items.length, false],
    [
      'invoices.getByPaymentHash',
      async () => ((await store.invoices.getByPaymentHash(pick(shape.sampleHashes))) ? 1 : 0),
    ],
    ['invoices.listExpired(now, 100)', async () => (await store.invoices.listExpired(new Date(shape.now), 100)).length],
  ];
  for (const direction of [undefined, 'in', 'out'] as const)
    for (const status of [undefined, 'succeeded', 'failed', ['failed', 'in_flight']] as const)
      for (const deep of [false, true]) {
        const label = `payments.list({ ${[direction && `direction: '${direction}'`, status && `status: ${JSON.stringify(status)}`, deep && 'cursor'].filter(Boolean).join(', ')} })`;
        queries.push([
          label,
          async () =>
            (
              await store.payments.list({
                ...(direction ? { direction } : {}),
                ...(status ? { status: status as never } : {}),
                ...(deep ? { cursor: cursorAt() } : {}),
              })
            ).items.length,
        ]);
      }
  for (const endpointId of [undefined, shape.endpointId])
    for (const status of [undefined, 'delivered', 'failed', ['pending', 'failed']] as const) {
      const label = `webhookOutbox.listDeliveries({ ${[endpointId && 'endpointId', status && `status: ${JSON.stringify(status)}`].filter(Boolean).join(', ')} })`;
      queries.push([
        label,
        async () =>
          (
            await store.webhookOutbox.listDeliveries({
              ...(endpointId ? { endpointId } : {}),
              ...(status ? { status: status as never } : {}),
            })
          ).items.length,
      ]);
    }
  queries.push([
    'webhookOutbox.listDeliveries({ cursor }) deep page',
    async () => (await store.webhookOutbox.listDeliveries({ cursor: recentCursor() })).items.length,
  ]);
  queries.push([
    'webhookOutbox.listDeliveries({ eventId })',
    async () => (await store.webhookOutbox.listDeliveries({ eventId: pick(shape.sampleEventIds) })).items.length,
  ]);
  queries.push([
    'webhookOutbox.listDue(now, 100)',
    async () => (await store.webhookOutbox.listDue(new Date(shape.now), 100)).length,
  ]);
  queries.push(['webhookOutbox.countPending()', async () => store.webhookOutbox.countPending()]);

  // Warm every code path first: the query timed first would otherwise also time V8 compiling the
  // store's list, paging and mapping code (its p95 was several times the others').
  for (let round = 0; round < 10; round++) for (const [, run] of queries) await run();
  const figures: QueryFigure[] = [];
  for (const [name, run, budgeted = true] of queries) {
    for (let i = 0; i < 5; i++) await run();
    const times: number[] = [];
    const cpu: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const c = process.cpuUsage();
      const t = performance.now();
      rows = await run();
      times.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    figures.push({
      name,
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      cpuP95: percentile(cpu, 0.95),
      rows,
      budgeted,
    });
  }
  return figures;
}
