/**
 * A helper process for the gRPC benches, so the server's CPU is not counted as the client's:
 * `sim` serves the LND simulator (alice is the merchant, bob pays on request), `noop` serves
 * AddInvoice and GetInfo over TLS with a constant answer and no work.
 * Speaks with the parent over IPC: sends `{ ready, socket, cert, macaroon }`, then answers
 * `{ pay: requests }` with `{ paid }` and exits on `{ stop }`.
 */
import * as grpc from '@grpc/grpc-js';
import { startLndSimulator } from '../../src/testing/simulator/simulator.js';
import { generateTlsCertificate } from '../../src/testing/simulator/tls-cert.js';
import { loadLndServices } from '../../src/testing/simulator/load-protos.js';
import type { SimPayment } from '../../src/testing/network/types.js';

type Message = { readonly pay?: readonly string[]; readonly stop?: true };
const send = (message: object): void => void process.send?.(message);

async function serveSimulator(): Promise<() => Promise<void>> {
  const sim = await startLndSimulator();
  const alice = sim.node('alice');
  const bob = sim.network.node('bob');
  process.on('message', (message: Message) => {
    if (!message.pay) return;
    void (async () => {
      let paid = 0;
      for (const paymentRequest of message.pay!) {
        const stream = bob.sendPayment({ paymentRequest, feeLimitMsat: 1_000_000n });
        const last = await new Promise<SimPayment | undefined>((resolve, reject) => {
          let seen: SimPayment | undefined;
          stream.onData((item) => (seen = item));
          stream.onEnd(() => resolve(seen));
          stream.onError(reject);
        });
        if (last?.status === 'SUCCEEDED') paid++;
      }
      send({ paid });
    })().catch((error: unknown) => send({ error: String(error) }));
  });
  send({ ready: true, socket: alice.socket, cert: alice.cert, macaroon: alice.macaroons.admin });
  return () => sim.stop();
}

async function serveNoop(): Promise<() => Promise<void>> {
  const services = loadLndServices();
  const tls = generateTlsCertificate();
  const server = new grpc.Server();
  const addInvoice = {
    r_hash: Buffer.alloc(32, 1),
    payment_request: `lnbcrt10u1${'q'.repeat(300)}`,
    add_index: '123456',
    payment_addr: Buffer.alloc(32, 2),
  };
  server.addService(services.Lightning.service, {
    AddInvoice: (_call: unknown, callback: grpc.sendUnaryData<object>) => callback(null, addInvoice),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      '127.0.0.1:0',
      grpc.ServerCredentials.createSsl(null, [
        { cert_chain: Buffer.from(tls.certPem), private_key: Buffer.from(tls.keyPem) },
      ]),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  send({ ready: true, socket: `127.0.0.1:${port}`, cert: tls.certPem, macaroon: '0201036c6e64'.padEnd(200, 'a') });
  return () => new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
}

const stop = await (process.argv[2] === 'noop' ? serveNoop() : serveSimulator());
process.on('message', (message: Message) => {
  if (message.stop) void stop().then(() => process.exit(0));
});
process.on('disconnect', () => void stop().then(() => process.exit(0)));
