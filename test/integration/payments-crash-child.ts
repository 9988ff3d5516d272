/**
 * Child process of payments-crash.test.ts: alice's lnkit over gRPC/TLS to the simulator on a SQLite
 * file, with a webhook endpoint. Writes one line per fact to stdout (a pipe: synchronous on Linux,
 * so a written line survives a SIGKILL): `READY`, `LOG <json>` for every log line, `EVENT <name> <json>`
 * for every event, `PAID <id> <status>` when `pay` resolves. With LNKIT_PAY_REQUEST set it pays that
 * request after start. SIGTERM → graceful stop.
 * env: LIGHTNING_DB, LIGHTNING_HOST, LIGHTNING_CERT_PATH (PEM), LIGHTNING_MACAROON_PATH (hex), LNKIT_WEBHOOK_URL, LNKIT_WEBHOOK_SECRET, LNKIT_PAY_REQUEST?
 */
import { createLightning } from '../../src/create-lightning.js';
import type { LightningEventName } from '../../src/domain/events.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { Logger } from '../../src/logger.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`missing ${name}`);
  return value;
};
const json = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
const line = (text: string): void => void process.stdout.write(`${text}\n`);

const log = (level: string) => (fields: Record<string, unknown>, message: string) =>
  line(`LOG ${json({ level, message, ...fields })}`);
const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
const lnd = createLndClient({
  socket: env('LIGHTNING_HOST'),
  cert: env('LIGHTNING_CERT_PATH'),
  macaroon: env('LIGHTNING_MACAROON_PATH'),
  serverNameOverride: 'localhost',
});
const lightning = createLightning({
  lnd,
  rates: createFixedRates('90000'),
  store: createSqliteStore({ filename: env('LIGHTNING_DB') }),
  logger,
  // The SIGKILLed process's lease stays until it expires: the next process leads (and re-tracks) after it.
  leaseTtlMs: 1_000,
  webhooks: {
    endpoints: [
      {
        url: env('LNKIT_WEBHOOK_URL'),
        secret: env('LNKIT_WEBHOOK_SECRET'),
        allowInsecure: true,
        allowPrivateNetwork: true,
      },
    ],
  },
});
const names: readonly LightningEventName[] = [
  'payment.sent',
  'payment.failed',
  'payment.received',
  'invoice.created',
  'invoice.settled',
  'lnd.connected',
  'lnd.disconnected',
];
for (const name of names) lightning.events.on(name, (payload) => line(`EVENT ${name} ${json(payload)}`));
process.on('SIGTERM', () => {
  void lightning
    .stop({ timeoutMs: 5_000 })
    .then(() => lnd.close())
    .then(() => process.exit(0));
});

await lightning.start();
line('READY');
const request = process.env.LNKIT_PAY_REQUEST;
if (request) {
  lightning.payments.pay({ request }).then(
    (payment) => line(`PAID ${payment.id} ${payment.status}`),
    (error: unknown) => line(`PAY_ERROR ${String(error)}`),
  );
}
// lnkit's timers are unref'd: keep the process alive until a signal.
setInterval(() => undefined, 1 << 30);
