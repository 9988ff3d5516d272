/**
 * Durability: a process SIGKILLed after a settlement commits and before its webhook is delivered;
 * after a restart on the same SQLite file, the webhook is delivered with the same webhook-id.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createManualClock } from '../../src/testing/manual-clock.js';
import { generateWebhookSecret, verifyWebhook, type VerifiedWebhook } from '../../src/webhooks/index.js';
import { createWebhookDispatcher } from '../../src/webhooks/outbox/dispatcher.js';

const dir = mkdtempSync(join(tmpdir(), 'lnkit-webhooks-durability-'));
const filename = join(dir, 'lnkit.db');
const secret = generateWebhookSecret();
// The dispatcher after the restart runs an hour ahead, so a retry scheduled by a pre-kill attempt is due.
const clock = createManualClock(Date.now() + 3_600_000);
let server: Server;
let url = '';
let accepting = false;
let refusedWhileDown = 0;
const verified: VerifiedWebhook[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!accepting) {
        refusedWhileDown++;
        res.writeHead(503).end();
        return;
      }
      try {
        verified.push(verifyWebhook({ body: Buffer.concat(chunks), headers: req.headers, secret, now: clock.now() }));
        res.writeHead(204).end();
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((done) => server?.close(() => done()) ?? done());
  rmSync(dir, { recursive: true, force: true });
});

function runChild(): Promise<{ signal: NodeJS.Signals | null; code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.dirname, 'webhooks-durability-child.ts'), filename, url],
    {
      env: { ...process.env, LNKIT_TEST_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((done) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    }),
  );
}

describe('webhook durability across SIGKILL', () => {
  it('delivers a settlement committed just before SIGKILL after restart, with the same webhook-id', async () => {
    const child = await runChild();
    expect(child.signal, child.stderr).toBe('SIGKILL');
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      eventId: string;
      invoiceId: string;
      status: string;
      error?: string;
    };
    expect(report.error).toBeUndefined();
    expect(report.eventId).toMatch(/^msg_/);
    expect(verified).toHaveLength(0); // nothing was delivered before the kill

    // Restart: a new process would open the same file and run the dispatcher.
    accepting = true;
    const store = createSqliteStore({ filename });
    try {
      await store.migrate();
      expect(await store.webhookOutbox.countPending()).toBeGreaterThanOrEqual(1);
      const dispatcher = createWebhookDispatcher({ store, clock });
      await dispatcher.runOnce();
      await dispatcher.stop();
      expect(verified.map((e) => e.id)).toEqual([report.eventId]);
      expect(verified[0]).toMatchObject({
        type: 'invoice.settled',
        data: { invoice_id: report.invoiceId, amount_eur: '19.99', status: 'settled' },
      });
      const { items } = await store.webhookOutbox.listDeliveries({ eventId: report.eventId });
      expect(items.map((d) => d.status)).toEqual(['delivered']);
      console.log(
        `durability: ${report.eventId} committed, process SIGKILLed (${refusedWhileDown} attempts refused before), delivered after restart`,
      );
    } finally {
      await store.close();
    }
  });
});
