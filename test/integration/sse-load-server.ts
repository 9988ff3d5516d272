/**
 * The server side of http-sse-load.test.ts, in its own process (as in production, the clients are not
 * in the server's event loop): lnkit on the fake LND and a SQLite file, lnkit/http on node:http. Prints
 * `ready <port> <invoice id>`; `POST /pay` has bob pay the invoice; prints `settled <epoch ms>` when the
 * settlement is recorded (before any stream hears of it); `GET /cpu` gives the CPU ms used since.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLightning } from '../../src/create-lightning.js';
import { createInvoiceStatusHandler, toNodeListener } from '../../src/http/index.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createFakeLnd } from '../../src/testing/fake-lnd.js';

const dir = mkdtempSync(join(tmpdir(), 'lnkit-sse-load-'));
const fake = createFakeLnd();
const lightning = createLightning({
  lnd: fake.lnd,
  rates: createFixedRates('87654.32'),
  store: createSqliteStore({ filename: join(dir, 'shop.db') }),
});
await lightning.start();
const invoice = await lightning.invoices.create({ amountEur: '19.99', description: 'Popular item' });
let cpuAtSettlement: NodeJS.CpuUsage | null = null;
lightning.events.on('invoice.settled', (e) => {
  if (e.invoice.id !== invoice.id) return;
  cpuAtSettlement = process.cpuUsage();
  console.log(`settled ${performance.timeOrigin + performance.now()}`);
});
const checkout = createInvoiceStatusHandler({ lightning });
const streams = toNodeListener(checkout.fetch);
const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/pay') {
    fake.simulate.pay(invoice.paymentRequest).then(
      () => res.end('paid'),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
    return;
  }
  if (req.url === '/streams') {
    res.end(String(checkout.openStreams));
    return;
  }
  if (req.url === '/cpu') {
    const used = cpuAtSettlement ? process.cpuUsage(cpuAtSettlement) : null;
    res.end(used ? String((used.user + used.system) / 1000) : 'none');
    return;
  }
  streams(req, res);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 2048, resolve));
console.log(`ready ${(server.address() as AddressInfo).port} ${invoice.id}`);

async function stop(): Promise<void> {
  checkout.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await lightning.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
