/**
 * `npm run example:checkout:pay [bolt11]`: bob, the customer's wallet in the running example's
 * simulator, pays the given invoice or the newest order, through carol (a real SendPaymentV2 over gRPC).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createLndClient } from '../../src/lnd/index.js';
import { STATE_FILE, type ShopState } from './state.js';

if (!existsSync(STATE_FILE)) {
  console.error('the shop is not running: start it with npm run example:checkout');
  process.exit(1);
}
const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ShopState;
const request = process.argv[2] ?? state.invoices.at(-1);
if (!request) {
  console.error('no order yet: open the shop and buy something first');
  process.exit(1);
}
const bob = createLndClient({
  socket: state.bob.socket,
  cert: state.bob.certPem,
  macaroon: state.bob.macaroonHex,
  serverNameOverride: 'localhost',
});
try {
  let last;
  for await (const update of bob.sendPayment({ paymentRequest: request, feeLimitMsat: 100_000n, timeoutSeconds: 30 }))
    last = update;
  if (last?.status !== 'SUCCEEDED') {
    console.error(`bob's payment ended ${last?.status ?? 'without an update'} (${last?.failureReason ?? 'no reason'})`);
    process.exitCode = 1;
  } else console.log(`bob paid ${last.valueMsat / 1000n} sat (+${last.feeMsat} msat fee to carol)`);
} catch (error) {
  console.error(`bob could not pay: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await bob.close();
}
