/**
 * A lnkit process sharing one SQLite file with others (leaders and followers, issue #10): alice's
 * lnkit over gRPC/TLS to the simulator, role `auto` unless LNKIT_ROLE says otherwise.
 * - Prints `READY <pid> <leader 0|1> <event log seq after start>` once started, and `LEADER <pid>`
 *   whenever it becomes the leader.
 * - Appends `<payment_hash>` to LNKIT_EVENTS_FILE for every payment.received its listener hears,
 *   with a synchronous write (a SIGKILL must not eat queued lines).
 * - Answers commands on a loopback HTTP port (printed as `PORT <n>`): POST /create `{ amountSat,
 *   description }` → the invoice; POST /pay `{ request }` → the payment once pay() resolved.
 * - With LNKIT_WEBHOOK_URL and LNKIT_WEBHOOK_SECRET: a webhook endpoint for payment.received.
 * - LNKIT_DB is a SQLite file, or a postgres:// URL (schema LNKIT_PG_SCHEMA); /pay takes an idempotencyKey.
 * - With LNKIT_STANDBY=1: loads everything, prints `PORT <n>` and `STANDBY`, and starts lnkit only
 *   on POST /start (a replacement that joins at once when a test kills a process).
 * SIGTERM → graceful stop.
 */
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/store.js';
import type { LightningRole } from '../../src/leadership/leadership.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`missing ${name}`);
  return value;
};

const lnd = createLndClient({
  socket: env('LND_SOCKET'),
  cert: env('LND_CERT'),
  macaroon: env('LND_MACAROON'),
  serverNameOverride: 'localhost',
  breaker: { consecutiveFailures: 1000, halfOpenAfterMs: 200 },
});
// LNKIT_DB: a SQLite file, or a postgres:// URL with the schema in LNKIT_PG_SCHEMA (issue #11 replicas).
const openStore = (): Store =>
  env('LNKIT_DB').startsWith('postgres')
    ? createPostgresStore({ connectionString: env('LNKIT_DB'), max: 6 }, { schema: env('LNKIT_PG_SCHEMA') })
    : createSqliteStore({ filename: env('LNKIT_DB'), busyTimeoutMs: 20_000 });
const store = openStore();
const webhookUrl = process.env.LNKIT_WEBHOOK_URL;
const lightning = createLightning({
  lnd,
  rates: createFixedRates('90000'),
  store,
  role: (process.env.LNKIT_ROLE ?? 'auto') as LightningRole,
  leaseTtlMs: Number(process.env.LNKIT_LEASE_TTL_MS ?? 15_000),
  settlement: { minBackoffMs: 20, maxBackoffMs: 200, reconcileIntervalMs: 2_000 },
  ...(webhookUrl
    ? {
        webhooks: {
          endpoints: [
            {
              url: webhookUrl,
              secret: env('LNKIT_WEBHOOK_SECRET'),
              events: ['payment.received' as const],
              allowInsecure: true,
              allowPrivateNetwork: true,
            },
          ],
          // The receiver is local and answers at once: a 2 s timeout is ample, and a 5 s claim means a
          // delivery claimed by a SIGKILLed process is sent again after 5 s, not after the default
          // 4 × timeout + 30 s (90 s), which once stretched a CI run by 70 s.
          delivery: { pollIntervalMs: 100, timeoutMs: 2_000, claimTtlMs: 5_000 },
        },
      }
    : {}),
});
const eventsFile = env('LNKIT_EVENTS_FILE');
lightning.events.on('payment.received', ({ payment }) => {
  appendFileSync(eventsFile, `${payment.paymentHash}\n`);
});

const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    void (async () => {
      const input = JSON.parse(body || '{}') as {
        amountSat?: number;
        description?: string;
        request?: string;
        idempotencyKey?: string;
      };
      if (request.url === '/start') return void startLnkit();
      if (request.url === '/create') {
        return lightning.invoices.create({ amountSat: input.amountSat!, description: input.description ?? '' });
      }
      if (request.url === '/pay')
        return lightning.payments.pay({
          request: input.request!,
          maxFeeSat: 100n,
          ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
        });
      throw new Error(`unknown command ${request.url}`);
    })().then(
      (result) => response.writeHead(200, { 'content-type': 'application/json' }).end(json(result)),
      (error: unknown) =>
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end(json({ code: (error as { code?: string }).code, message: String(error) })),
    );
  });
});

process.on('SIGTERM', () => {
  server.close();
  void lightning
    .stop({ timeoutMs: 5_000 })
    .then(() => lnd.close())
    .then(() => process.exit(0));
});

async function startLnkit(): Promise<void> {
  try {
    await lightning.start();
  } catch (error) {
    process.stdout.write(`FAILED ${(error as { code?: string }).code ?? 'ERROR'} ${(error as Error).message}\n`);
    process.exit(3);
  }
  // A second handle on the file, only to read the log's position (the test compares what was heard with it).
  const reader = openStore();
  const seq = await reader.events.latestSeq();
  await reader.close();
  process.stdout.write(`READY ${process.pid} ${lightning.isLeader ? 1 : 0} ${seq}\n`);
  let wasLeader = lightning.isLeader;
  if (wasLeader) process.stdout.write(`LEADER ${process.pid}\n`);
  setInterval(() => {
    if (lightning.isLeader && !wasLeader) process.stdout.write(`LEADER ${process.pid}\n`);
    wasLeader = lightning.isLeader;
  }, 20);
}

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`);
if (process.env.LNKIT_STANDBY === '1') {
  process.stdout.write('STANDBY\n');
  setInterval(() => undefined, 1 << 30);
} else await startLnkit();
