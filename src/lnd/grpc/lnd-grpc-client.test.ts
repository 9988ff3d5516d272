/**
 * createLndClient against a tiny grpc-js server on 127.0.0.1 speaking lnkit's protos (plain-text
 * HTTP/2 via the internal `insecure` knob; TLS is covered by test/integration/lnd-grpc.test.ts).
 */
import * as grpc from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LndConnectionError, LndError, LndTimeoutError, LndUnavailableError, ValidationError } from '../../errors.js';
import type { LndClientConfig } from './client-config.js';
import { loadLndProtos } from './load-protos.js';
import { createLndClientWithInternals, type GrpcLndClient } from './lnd-grpc-client.js';
import { channelMessage, getInfoMessage, invoiceMessage } from './test-fixtures.js';
import { generateTlsCertificate } from '../../testing/simulator/tls-cert.js';

type Unary = (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, cb: grpc.sendUnaryData<unknown>) => void;
type Stream = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => void;

const MACAROON = '0201036c6e64';
/** Parsed at construction, unused on the plain-text channel. */
const CERT_PEM = generateTlsCertificate().certPem;
const calls: Record<string, number> = {};
const seen: { macaroon?: string; request?: Record<string, unknown> } = {};
let handlers: Record<string, Unary | Stream> = {};
let server: grpc.Server;
let port = 0;
const clients: GrpcLndClient[] = [];

const unavailable = { code: grpc.status.UNAVAILABLE, details: 'injected outage' };
const respond =
  (value: unknown): Unary =>
  (_call, cb) =>
    cb(null, value);

function route(name: string) {
  return (call: { metadata: grpc.Metadata; request: Record<string, unknown> }, cb?: grpc.sendUnaryData<unknown>) => {
    calls[name] = (calls[name] ?? 0) + 1;
    seen.macaroon = String(call.metadata.get('macaroon')[0]);
    seen.request = call.request;
    const handler = handlers[name];
    if (!handler) return cb?.({ code: grpc.status.UNIMPLEMENTED, details: name });
    (handler as (c: unknown, cb: unknown) => void)(call, cb);
  };
}

beforeAll(async () => {
  const definition = loadLndProtos();
  server = new grpc.Server();
  for (const serviceName of ['lnrpc.Lightning', 'routerrpc.Router', 'invoicesrpc.Invoices']) {
    const service = definition[serviceName] as ServiceDefinition;
    server.addService(service, Object.fromEntries(Object.keys(service).map((m) => [m, route(m)])));
  }
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  server.forceShutdown();
});

beforeEach(() => {
  handlers = {};
  for (const key of Object.keys(calls)) delete calls[key];
});

function connect(options: Partial<LndClientConfig> = {}, socket = `127.0.0.1:${port}`): GrpcLndClient {
  const client = createLndClientWithInternals(
    {
      socket,
      cert: CERT_PEM,
      macaroon: MACAROON,
      ...options,
    } as LndClientConfig,
    { insecure: true, initialRetryDelayMs: 5, maxRetryDelayMs: 20 },
  );
  clients.push(client);
  return client;
}

/** Retries `fn` until it resolves or `timeoutMs` passes (waits on a real condition, bounded). */
async function eventually<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('unary calls', () => {
  it('sends the macaroon as hex metadata and converts the answer', async () => {
    handlers['GetInfo'] = respond(getInfoMessage());
    const info = await connect().getInfo();
    expect(info.alias).toBe('alice');
    expect(seen.macaroon).toBe(MACAROON);
  });

  it('sends bytes as Buffers and 64-bit values as exact strings', async () => {
    handlers['AddInvoice'] = respond({
      r_hash: Buffer.alloc(32, 9),
      payment_request: 'lnbcrt1',
      add_index: '18446744073709551615',
      payment_addr: Buffer.alloc(32, 3),
    });
    const result = await connect().addInvoice({
      valueMsat: 9_007_199_254_740_993n,
      memo: 'm',
      preimage: 'cd'.repeat(32),
      descriptionHash: 'ef'.repeat(32),
    });
    expect(result.addIndex).toBe(18_446_744_073_709_551_615n);
    expect(seen.request?.['value_msat']).toBe('9007199254740993');
    expect(Buffer.isBuffer(seen.request?.['r_preimage'])).toBe(true);
    expect((seen.request?.['r_preimage'] as Buffer).toString('hex')).toBe('cd'.repeat(32));
    expect((seen.request?.['description_hash'] as Buffer).length).toBe(32);
  });

  it('round-trips a chan id above 2^53 through ListChannels', async () => {
    handlers['ListChannels'] = respond({ channels: [channelMessage({ chan_id: '18446744073709551614' })] });
    const [channel] = await connect().listChannels();
    expect(channel?.chanId).toBe('18446744073709551614');
  });

  it('rejects bad input with a ValidationError before calling LND', async () => {
    await expect(connect().lookupInvoice('abc')).rejects.toBeInstanceOf(ValidationError);
    expect(calls['LookupInvoice']).toBeUndefined();
  });

  it('returns [] from QueryRoutes when LND finds no path', async () => {
    handlers['QueryRoutes'] = (_call, cb) =>
      cb({ code: grpc.status.UNKNOWN, details: 'unable to find a path to destination' });
    expect(await connect().queryRoutes({ pubkey: `02${'11'.repeat(32)}`, amountMsat: 1000n })).toEqual([]);
  });

  it('rejects a malformed LND answer with LND_INVALID_RESPONSE', async () => {
    handlers['LookupInvoice'] = respond(invoiceMessage({ r_hash: Buffer.alloc(3) }));
    await expect(connect().lookupInvoice('ab'.repeat(32))).rejects.toMatchObject({ code: 'LND_INVALID_RESPONSE' });
  });
});

describe('retry, deadline and connection events', () => {
  it('retries an idempotent read on UNAVAILABLE and reports disconnected then connected', async () => {
    let failures = 2;
    handlers['GetInfo'] = (_call, cb) => (failures-- > 0 ? cb(unavailable) : cb(null, getInfoMessage()));
    const events: string[] = [];
    const client = connect({ onConnectionChange: (state) => events.push(state) });
    await expect(client.getInfo()).resolves.toMatchObject({ alias: 'alice' });
    expect(calls['GetInfo']).toBe(3);
    expect(events).toEqual(['disconnected', 'connected']);
  });

  it('gives up after maxRetries retries with LndUnavailableError', async () => {
    handlers['GetInfo'] = (_call, cb) => cb(unavailable);
    const error = await connect({ maxRetries: 2 })
      .getInfo()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LndUnavailableError);
    expect((error as Error).cause).toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(calls['GetInfo']).toBe(3);
  });

  it('never retries addInvoice, addHoldInvoice or sendPayment', async () => {
    handlers['AddInvoice'] = (_call, cb) => cb(unavailable);
    handlers['AddHoldInvoice'] = (_call, cb) => cb(unavailable);
    handlers['SendPaymentV2'] = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) =>
      call.emit('error', unavailable);
    const client = connect();
    await expect(client.addInvoice({ valueMsat: 1000n, memo: '' })).rejects.toBeInstanceOf(LndUnavailableError);
    await expect(
      client.addHoldInvoice({ paymentHash: 'ab'.repeat(32), valueMsat: 1000n, memo: '' }),
    ).rejects.toBeInstanceOf(LndUnavailableError);
    const consume = async (): Promise<void> => {
      for await (const _ of client.sendPayment({ paymentRequest: 'lnbcrt1', feeLimitMsat: 10n })) void _;
    };
    await expect(consume()).rejects.toBeInstanceOf(LndUnavailableError);
    expect([calls['AddInvoice'], calls['AddHoldInvoice'], calls['SendPaymentV2']]).toEqual([1, 1, 1]);
  });

  it('does not retry business errors and maps them', async () => {
    handlers['LookupInvoice'] = (_call, cb) => cb({ code: grpc.status.NOT_FOUND, details: 'unable to locate invoice' });
    await expect(connect().lookupInvoice('ab'.repeat(32))).rejects.toMatchObject({ code: 'INVOICE_NOT_FOUND' });
    expect(calls['LookupInvoice']).toBe(1);
  });

  it('puts a deadline on each call: a silent server gives LndTimeoutError', async () => {
    handlers['ChannelBalance'] = () => undefined; // never answers
    const error = await connect({ timeoutMs: 80, maxRetries: 1 })
      .channelBalance()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LndTimeoutError);
    expect(calls['ChannelBalance']).toBe(2);
  });

  it('maps a refused connection to LndUnavailableError', async () => {
    const closed = new grpc.Server();
    const freePort = await new Promise<number>((resolve, reject) =>
      closed.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    closed.forceShutdown();
    await expect(connect({ maxRetries: 0 }, `127.0.0.1:${freePort}`).getInfo()).rejects.toBeInstanceOf(
      LndUnavailableError,
    );
  });
});

describe('circuit breaker', () => {
  it('opens after N consecutive failures, fails fast, then half-opens and closes', async () => {
    let healthy = false;
    handlers['GetInfo'] = (_call, cb) => (healthy ? cb(null, getInfoMessage()) : cb(unavailable));
    const client = connect({ maxRetries: 0, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 150 } });
    for (let i = 0; i < 3; i++) await expect(client.getInfo()).rejects.toBeInstanceOf(LndUnavailableError);
    expect(client.circuitState).toBe('open');
    await expect(client.getInfo()).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });
    await expect(client.addInvoice({ valueMsat: 1n, memo: '' })).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });
    expect(calls['GetInfo']).toBe(3);
    healthy = true;
    const openedAt = Date.now();
    await eventually(() => client.getInfo(), 2_000);
    expect(Date.now() - openedAt).toBeLessThan(1_000);
    expect(client.circuitState).toBe('closed');
  });

  it('is not opened by business or auth errors', async () => {
    handlers['LookupInvoice'] = (_call, cb) => cb({ code: grpc.status.UNKNOWN, details: 'permission denied' });
    const client = connect({ breaker: { consecutiveFailures: 2 } });
    for (let i = 0; i < 4; i++)
      await expect(client.lookupInvoice('ab'.repeat(32))).rejects.toMatchObject({ code: 'LND_PERMISSION' });
    expect(client.circuitState).toBe('closed');
  });

  it('counts stream errors and fails fast when opening a stream on an open circuit', async () => {
    handlers['SubscribeInvoices'] = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) =>
      call.emit('error', unavailable);
    const client = connect({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    const consume = async (): Promise<void> => {
      for await (const _ of client.subscribeInvoices({ addIndex: 0n, settleIndex: 0n })) void _;
    };
    await expect(consume()).rejects.toBeInstanceOf(LndUnavailableError);
    await expect(consume()).rejects.toBeInstanceOf(LndUnavailableError);
    expect(client.circuitState).toBe('open');
    await expect(consume()).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });
    expect(calls['SubscribeInvoices']).toBe(2);
  });
});

describe('streams', () => {
  it('yields converted items and ends when the server ends', async () => {
    handlers['SubscribeInvoices'] = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => {
      expect(call.request).toMatchObject({ add_index: '5', settle_index: '18446744073709551615' });
      call.write(invoiceMessage({ add_index: '6' }));
      call.write(invoiceMessage({ add_index: '7' }));
      call.end();
    };
    const seenIndexes: bigint[] = [];
    for await (const invoice of connect().subscribeInvoices({ addIndex: 5n, settleIndex: 2n ** 64n - 1n }))
      seenIndexes.push(invoice.addIndex);
    expect(seenIndexes).toEqual([6n, 7n]);
  });

  it.each(['break', 'abort'])('cancels the call on %s', async (how) => {
    const cancelled = new Promise<void>((resolve) => {
      handlers['SubscribeSingleInvoice'] = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => {
        call.on('cancelled', () => resolve());
        call.write(invoiceMessage({ state: 'OPEN', settle_date: '0', r_preimage: Buffer.alloc(0) }));
      };
    });
    const controller = new AbortController();
    const received: string[] = [];
    for await (const invoice of connect().subscribeSingleInvoice({
      paymentHash: 'ab'.repeat(32),
      signal: controller.signal,
    })) {
      received.push(invoice.state);
      if (how === 'break') break;
      controller.abort();
    }
    await cancelled;
    expect(received).toEqual(['OPEN']);
  });

  it('ends after a terminal state and throws mapped errors', async () => {
    handlers['TrackPaymentV2'] = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) =>
      call.emit('error', { code: grpc.status.NOT_FOUND, details: "payment isn't initiated" });
    const client = connect();
    const track = async (): Promise<void> => {
      for await (const _ of client.trackPayment({ paymentHash: 'ab'.repeat(32) })) void _;
    };
    await expect(track()).rejects.toMatchObject({ code: 'PAYMENT_NOT_FOUND' });
  });

  it('throws LND_INVALID_RESPONSE on a malformed item and cancels the call', async () => {
    const cancelled = new Promise<void>((resolve) => {
      handlers['SubscribeInvoices'] = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => {
        call.on('cancelled', () => resolve());
        call.write(invoiceMessage({ r_hash: Buffer.alloc(1) }));
      };
    });
    const consume = async (): Promise<void> => {
      for await (const _ of connect().subscribeInvoices({ addIndex: 1n, settleIndex: 1n })) void _;
    };
    await expect(consume()).rejects.toBeInstanceOf(LndError);
    await cancelled;
  });

  it('close() ends open streams and later calls fail with LndConnectionError', async () => {
    handlers['SubscribeInvoices'] = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => {
      call.write(invoiceMessage());
    };
    const client = connect();
    const received: bigint[] = [];
    for await (const invoice of client.subscribeInvoices({ addIndex: 0n, settleIndex: 0n })) {
      received.push(invoice.addIndex);
      await client.close();
    }
    expect(received).toEqual([7n]);
    await expect(client.getInfo()).rejects.toBeInstanceOf(LndConnectionError);
    await expect(client.close()).resolves.toBeUndefined();
  });
});
