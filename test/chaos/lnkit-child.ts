/**
 * A lnkit process for the chaos tests: alice's lnkit over gRPC/TLS to the simulator, a SQLite file.
 * Prints `READY` once started, and appends `<payment_hash>` to LNKIT_EVENTS_FILE for every
 * payment.received with a synchronous write (stdout on a pipe is asynchronous on POSIX: lines still
 * queued in the process would die with it on SIGKILL, and the count would lie).
 * SIGTERM → graceful stop. env: LIGHTNING_DB, LNKIT_EVENTS_FILE, LIGHTNING_HOST, LIGHTNING_CERT_PATH (PEM text), LIGHTNING_MACAROON_PATH (hex).
 */
import { appendFileSync } from 'node:fs';
import { createLightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`missing ${name}`);
  return value;
};

const lnd = createLndClient({
  socket: env('LIGHTNING_HOST'),
  cert: env('LIGHTNING_CERT_PATH'),
  macaroon: env('LIGHTNING_MACAROON_PATH'),
  serverNameOverride: 'localhost',
  breaker: { consecutiveFailures: 1000, halfOpenAfterMs: 200 },
});
const lightning = createLightning({
  lnd,
  rates: createFixedRates('90000'),
  store: createSqliteStore({ filename: env('LIGHTNING_DB') }),
  settlement: { minBackoffMs: 20, maxBackoffMs: 200, reconcileIntervalMs: 2_000 },
});
const eventsFile = env('LNKIT_EVENTS_FILE');
lightning.events.on('payment.received', ({ payment }) => {
  appendFileSync(eventsFile, `${payment.paymentHash}\n`);
});
process.on('SIGTERM', () => {
  void lightning
    .stop({ timeoutMs: 5_000 })
    .then(() => lnd.close())
    .then(() => process.exit(0));
});
await lightning.start();
process.stdout.write('READY\n');
// lnkit's timers are unref'd: keep the process alive until a signal.
setInterval(() => undefined, 1 << 30);
