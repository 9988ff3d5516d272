/**
 * Acceptance: 1,000 concurrent SSE clients on one invoice all receive "settled" within 1 s of the
 * settlement being recorded. Real HTTP on loopback, one socket per client; the server (lnkit on the fake
 * LND and a SQLite file, lnkit/http on node:http) runs in its own process, as it would in production.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnTsx, type TsxChild } from '../helpers/child-process.js';

const CLIENTS = 1000;
let child: TsxChild;
let base: string;
let invoiceId: string;

beforeAll(async () => {
  child = spawnTsx(new URL('./sse-load-server.ts', import.meta.url).pathname, {});
  const ready = await child.waitForLine((l) => l.startsWith('ready '), 'the server to start');
  const [, port, id] = ready.split(' ');
  base = `http://127.0.0.1:${port}`;
  invoiceId = id!;
});

afterAll(async () => {
  child?.process.kill('SIGTERM');
  await child?.exited;
});

/** A lean SSE client: records when `settled` arrived and when the server ended the stream. */
interface Client {
  readonly open: Promise<void>;
  readonly settled: Promise<number>;
  readonly ended: Promise<void>;
}

function connect(): Client {
  let text = '';
  let markOpen: () => void = () => undefined;
  let markSettled: (at: number) => void = () => undefined;
  let markEnded: () => void = () => undefined;
  const client: Client = {
    open: new Promise((resolve) => (markOpen = resolve)),
    settled: new Promise((resolve) => (markSettled = resolve)),
    ended: new Promise((resolve) => (markEnded = resolve)),
  };
  const req = request(`${base}/invoices/${invoiceId}/events`, { agent: false }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('id: open\n')) markOpen();
      if (text.includes('id: settled\n')) markSettled(performance.timeOrigin + performance.now());
    });
    res.on('end', markEnded);
  });
  req.on('error', (error) => console.error(`client error: ${error.message}`));
  req.end();
  return client;
}

async function get(path: string, method = 'GET'): Promise<string> {
  const response = await fetch(`${base}${path}`, { method });
  return response.text();
}

it(`${CLIENTS} concurrent SSE clients on one invoice all receive "settled" within 1 s of the settlement`, async () => {
  const clients: Client[] = [];
  for (let i = 0; i < CLIENTS; i += 100) {
    const batch = Array.from({ length: 100 }, connect);
    await Promise.all(batch.map((c) => c.open));
    clients.push(...batch);
  }
  expect(await get('/streams')).toBe(String(CLIENTS));

  expect(await get('/pay', 'POST')).toBe('paid');
  const cpuBefore = process.cpuUsage();
  const times = await Promise.all(clients.map((c) => c.settled));
  const clientCpu = process.cpuUsage(cpuBefore);
  const serverCpu = await get('/cpu');
  const line = await child.waitForLine((l) => l.startsWith('settled '), 'the settlement');
  const settledAt = Number(line.split(' ')[1]);
  const delays = times.map((t) => t - settledAt).sort((a, b) => a - b);
  console.log(
    `${CLIENTS} SSE clients: "settled" at all of them ${delays.at(-1)!.toFixed(0)} ms after the settlement was recorded (median ${delays[CLIENTS / 2]!.toFixed(0)} ms); CPU meanwhile: server ${Number(serverCpu).toFixed(0)} ms, clients ${((clientCpu.user + clientCpu.system) / 1000).toFixed(0)} ms`,
  );
  expect(delays[0]).toBeGreaterThan(0);
  expect(delays.at(-1)).toBeLessThan(1000);
  await Promise.all(clients.map((c) => c.ended));
  expect(await get('/streams')).toBe('0');
});
