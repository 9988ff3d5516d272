/**
 * A lnkit process for the chaos tests: alice's lnkit over gRPC/TLS to the simulator, a SQLite file.
 * Prints `READY` once started and `EVENT <payment_hash>` for every payment.received (stdout on a
 * pipe is synchronous on Linux, so a line written is a line the parent sees, even after SIGKILL).
 * SIGTERM → graceful stop. env: LNKIT_DB, LND_SOCKET, LND_CERT (PEM text), LND_MACAROON (hex).
 */
import { createLightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createCollectingLogger } from '../helpers/collect.js';

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
const lightning = createLightning({
  lnd,
  rates: createFixedRates('90000'),
  store: createSqliteStore({ filename: env('LNKIT_DB') }),
  settlement: { minBackoffMs: 20, maxBackoffMs: 200, reconcileIntervalMs: 2_000 },
  // Lines go to the suite-wide log that the test run scans for secrets.
  logger: createCollectingLogger(),
});
lightning.events.on('payment.received', ({ payment }) => {
  process.stdout.write(`EVENT ${payment.paymentHash}\n`);
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
