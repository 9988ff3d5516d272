/**
 * The LndClient conformance cases against createLndClient: over TLS gRPC to the simulator always,
 * and to a real LND (Polar, regtest) when LND_SOCKET / LND_CERT / LND_MACAROON are set
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

const env = process.env;
const real = env['LND_SOCKET'] && env['LND_CERT'] && env['LND_MACAROON'];
const realPayer = env['LND_PAYER_SOCKET'] && env['LND_PAYER_CERT'] && env['LND_PAYER_MACAROON'];
if (!real) {
  console.log(
    '[lnd-conformance-grpc] real-LND conformance skipped: set LND_SOCKET, LND_CERT and LND_MACAROON to run it (see docs/real-lnd.md)',
  );
} else if (!realPayer) {
  console.log(
    '[lnd-conformance-grpc] real-LND payer cases skipped: set LND_PAYER_SOCKET, LND_PAYER_CERT and LND_PAYER_MACAROON to run them',
  );
}

describe.skipIf(!real)('createLndClient → real LND passes the LndClient conformance cases', () => {
  let lnd: GrpcLndClient | undefined;
  let payer: GrpcLndClient | undefined;

  beforeAll(() => {
    const override = env['LND_SERVER_NAME'] ? { serverNameOverride: env['LND_SERVER_NAME'] } : {};
    lnd = createLndClient({
      socket: env['LND_SOCKET']!,
      cert: env['LND_CERT']!,
      macaroon: env['LND_MACAROON']!,
      ...override,
    });
    if (realPayer) {
      payer = createLndClient({
        socket: env['LND_PAYER_SOCKET']!,
        cert: env['LND_PAYER_CERT']!,
        macaroon: env['LND_PAYER_MACAROON']!,
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
      it.skip(`${c.name} (needs LND_PAYER_SOCKET, LND_PAYER_CERT, LND_PAYER_MACAROON)`, () => undefined);
    } else {
      it(c.name, () => c.run({ lnd: lnd!, ...(payer ? { payer } : {}) }));
    }
  }
});
