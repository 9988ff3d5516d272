/**
 * The LndClient conformance cases against createLndClient: over TLS gRPC to the simulator always,
 * and to a real LND (Polar, regtest) when LIGHTNING_HOST / LIGHTNING_CERT_PATH / LIGHTNING_MACAROON_PATH are set
 * (payer cases also need LND_PAYER_SOCKET / LND_PAYER_CERT / LND_PAYER_MACAROON).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { lndClientConformanceCases } from '../../src/lnd/conformance.js';
import { createLndClient, type GrpcLndClient } from '../../src/lnd/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';

describe('createLndClient → simulator passes the LndClient conformance cases', () => {
  let sim: LndSimulator;
  let lnd: GrpcLndClient;
  let payer: GrpcLndClient;

  beforeAll(async () => {
    sim = await startLndSimulator();
    const alice = sim.node('alice');
    const bob = sim.node('bob');
    lnd = createLndClient({ socket: alice.socket, cert: alice.cert, macaroon: alice.macaroons.admin });
    payer = createLndClient({ socket: bob.socket, cert: bob.cert, macaroon: bob.macaroons.admin });
  });

  afterAll(async () => {
    await lnd?.close();
    await payer?.close();
    await sim?.stop();
  });

  for (const c of lndClientConformanceCases) {
    it(c.name, () => c.run({ lnd, payer }));
  }
});

/** A LIGHTNING_* setting, or its older LND_* alias (documented in docs/real-lnd.md). */
const setting = (name: string, alias: string): string | undefined =>
  process.env[name]?.trim() || process.env[alias]?.trim() || undefined;
const merchant = {
  socket: setting('LIGHTNING_HOST', 'LND_SOCKET'),
  cert: setting('LIGHTNING_CERT_PATH', 'LND_CERT'),
  macaroon: setting('LIGHTNING_MACAROON_PATH', 'LND_MACAROON'),
};
const payerNode = {
  socket: setting('LIGHTNING_PAYER_HOST', 'LND_PAYER_SOCKET'),
  cert: setting('LIGHTNING_PAYER_CERT_PATH', 'LND_PAYER_CERT'),
  macaroon: setting('LIGHTNING_PAYER_MACAROON_PATH', 'LND_PAYER_MACAROON'),
};
const serverName = setting('LIGHTNING_SERVER_NAME', 'LND_SERVER_NAME');
const real = merchant.socket && merchant.cert && merchant.macaroon;
const realPayer = payerNode.socket && payerNode.cert && payerNode.macaroon;
if (!real) {
  console.log(
    '[lnd-conformance-grpc] real-LND conformance skipped: set LIGHTNING_HOST, LIGHTNING_CERT_PATH and LIGHTNING_MACAROON_PATH to run it (see docs/real-lnd.md)',
  );
} else if (!realPayer) {
  console.log(
    '[lnd-conformance-grpc] real-LND payer cases skipped: set LIGHTNING_PAYER_HOST, LIGHTNING_PAYER_CERT_PATH and LIGHTNING_PAYER_MACAROON_PATH to run them',
  );
}

describe.skipIf(!real)('createLndClient → real LND passes the LndClient conformance cases', () => {
  let lnd: GrpcLndClient | undefined;
  let payer: GrpcLndClient | undefined;

  beforeAll(() => {
    const override = serverName ? { serverNameOverride: serverName } : {};
    lnd = createLndClient({
      socket: merchant.socket!,
      cert: merchant.cert!,
      macaroon: merchant.macaroon!,
      ...override,
    });
    if (realPayer) {
      payer = createLndClient({
        socket: payerNode.socket!,
        cert: payerNode.cert!,
        macaroon: payerNode.macaroon!,
        ...override,
      });
    }
  });

  afterAll(async () => {
    await lnd?.close();
    await payer?.close();
  });

  for (const c of lndClientConformanceCases) {
    if (c.needsPayer && !realPayer) {
      it.skip(`${c.name} (needs LIGHTNING_PAYER_HOST, LIGHTNING_PAYER_CERT_PATH, LIGHTNING_PAYER_MACAROON_PATH)`, () =>
        undefined);
    } else {
      it(c.name, () => c.run({ lnd: lnd!, ...(payer ? { payer } : {}) }));
    }
  }
});
