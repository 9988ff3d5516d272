/**
 * Load: 10,000 settlements' webhooks, enqueued in a real SQLite file store, delivered over real HTTP
 * to a local receiver that verifies each with verifyWebhook. None lost, none rejected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { createWebhookDispatcher } from '../../src/webhooks/outbox/dispatcher.js';
import { enqueueWebhookEvent } from '../../src/webhooks/outbox/enqueue.js';
import { createWebhookService } from '../../src/webhooks/outbox/webhook-service.js';
import { verifyWebhook } from '../../src/webhooks/index.js';

const COUNT = Number(process.env.LNKIT_LOAD_COUNT ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'lnkit-webhooks-load-'));
let store: Store;
let server: Server;
let url: string;
const received = new Map<string, number>();
let rejected = 0;
let secret = '';

beforeAll(async () => {
  store = createSqliteStore({ filename: join(dir, 'lnkit.db') });
  await store.migrate();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const event = verifyWebhook({ body: Buffer.concat(chunks), headers: req.headers, secret });
        received.set(event.id, (received.get(event.id) ?? 0) + 1);
        res.statusCode = 204;
      } catch {
        rejected++;
        res.statusCode = 400;
      }
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('webhooks under load (SQLite file + local HTTP)', () => {
  it(`delivers ${COUNT} settlements, each verified, none lost`, { timeout: 180_000 }, async () => {
    const webhooks = createWebhookService({ store });
    ({ secret } = await webhooks.addEndpoint({ url, allowInsecure: true, allowPrivateNetwork: true }));

    const enqueueStart = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      // One transaction per settlement, as the settlement watcher does.
      const id = await store.transaction((tx) =>
        enqueueWebhookEvent(tx, {
          type: 'invoice.settled',
          data: { invoice_id: `inv_${i}`, amount_sats: 1000 + i },
          occurredAt: new Date(),
        }),
      );
      ids.push(id!);
    }
    const enqueueMs = performance.now() - enqueueStart;
    expect(await store.webhookOutbox.countPending()).toBe(COUNT);

    const dispatcher = createWebhookDispatcher({ store, concurrency: 16 });
    const sendStart = performance.now();
    let attempted = 0;
    for (let round = 0; round < 5 && (await store.webhookOutbox.countPending()) > 0; round++)
      attempted += await dispatcher.runOnce();
    const sendMs = performance.now() - sendStart;
    await dispatcher.stop();

    console.log(
      `webhooks load: ${COUNT} enqueued in ${Math.round(enqueueMs)} ms (${Math.round(COUNT / (enqueueMs / 1000))}/s), ` +
        `${received.size} delivered in ${Math.round(sendMs)} ms (${Math.round(received.size / (sendMs / 1000))}/s), rejected ${rejected}`,
    );
    expect(rejected).toBe(0);
    expect(attempted).toBe(COUNT);
    expect(received.size).toBe(COUNT);
    expect(ids.every((id) => received.get(id) === 1)).toBe(true);
    expect(await store.webhookOutbox.countPending()).toBe(0);
    const page = await store.webhookOutbox.listDeliveries({ status: 'delivered', limit: 1000 });
    expect(page.items).toHaveLength(1000);
  });
});
