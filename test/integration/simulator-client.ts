/**
 * A plain grpc-js client for the LND simulator tests, built straight from the vendored protos
 * (deliberately not lnkit's own client, so the simulator is checked against the wire protocol).
 */
import * as grpc from '@grpc/grpc-js';
import { loadLndServices } from '../../src/testing/simulator/load-protos.js';

/** The three LND service clients for one node. */
export interface RawLndClients {
  readonly lightning: grpc.Client;
  readonly router: grpc.Client;
  readonly invoices: grpc.Client;
  close(): void;
}

/** A gRPC error as grpc-js reports it. */
export interface RawGrpcError {
  readonly code: number;
  readonly details: string;
}

const services = loadLndServices();

/** Connects to `socket` trusting `certPem`; `macaroons` are sent as `macaroon` metadata values (hex). Default options name `localhost` for TLS. */
export function connect(
  socket: string,
  certPem: string,
  macaroons: readonly string[],
  options: grpc.ChannelOptions = { 'grpc.ssl_target_name_override': 'localhost' },
): RawLndClients {
  const ssl = grpc.credentials.createSsl(Buffer.from(certPem));
  const credentials =
    macaroons.length === 0
      ? ssl
      : grpc.credentials.combineChannelCredentials(
          ssl,
          grpc.credentials.createFromMetadataGenerator((_params, callback) => {
            const metadata = new grpc.Metadata();
            for (const macaroon of macaroons) metadata.add('macaroon', macaroon);
            callback(null, metadata);
          }),
        );
  const lightning = new services.Lightning(socket, credentials, options);
  const router = new services.Router(socket, credentials, options);
  const invoices = new services.Invoices(socket, credentials, options);
  return {
    lightning,
    router,
    invoices,
    close() {
      lightning.close();
      router.close();
      invoices.close();
    },
  };
}

type UnaryMethod = (
  request: unknown,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response: unknown) => void,
) => void;
type StreamMethod = (request: unknown, options?: grpc.CallOptions) => grpc.ClientReadableStream<unknown>;

/** Calls a unary method; resolves with the response message. */
export function unary<T = Record<string, unknown>>(
  client: grpc.Client,
  method: string,
  request: unknown = {},
  deadlineMs = 10_000,
): Promise<T> {
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  if (!fn) throw new Error(`no method ${method}`);
  return new Promise((resolve, reject) => {
    fn.call(client, request, { deadline: Date.now() + deadlineMs }, (error, response) =>
      error ? reject(error) : resolve(response as T),
    );
  });
}

/** Calls a unary method expecting an error; resolves with its code and details. */
export async function unaryError(client: grpc.Client, method: string, request: unknown = {}): Promise<RawGrpcError> {
  try {
    await unary(client, method, request);
  } catch (error) {
    const { code, details } = error as grpc.ServiceError;
    return { code, details };
  }
  throw new Error(`expected ${method} to fail`);
}

/** A server stream collected as messages, with its final status. */
export interface CollectedStream<T> {
  readonly messages: T[];
  /** Resolves at the end: `{ code: 0 }` for a normal end, else the error's code and details. */
  readonly done: Promise<RawGrpcError>;
  /** Resolves once `n` messages arrived (rejects if the stream ends first). */
  next(n: number): Promise<T[]>;
  readonly call: grpc.ClientReadableStream<unknown>;
}

/** Opens a server stream and collects its messages. */
export function stream<T = Record<string, unknown>>(
  client: grpc.Client,
  method: string,
  request: unknown = {},
): CollectedStream<T> {
  const fn = (client as unknown as Record<string, StreamMethod>)[method];
  if (!fn) throw new Error(`no method ${method}`);
  const call = fn.call(client, request);
  const messages: T[] = [];
  const waiters: { n: number; resolve: (items: T[]) => void; reject: (error: Error) => void }[] = [];
  let ended: RawGrpcError | null = null;
  const done = new Promise<RawGrpcError>((resolve) => {
    const finish = (status: RawGrpcError): void => {
      if (ended) return;
      ended = status;
      for (const waiter of waiters.splice(0))
        waiter.reject(new Error(`stream ended (${status.code} ${status.details}) after ${messages.length} messages`));
      resolve(status);
    };
    call.on('error', (error: grpc.ServiceError) => finish({ code: error.code, details: error.details }));
    call.on('status', (status: grpc.StatusObject) => {
      if (status.code === 0) finish({ code: 0, details: status.details });
    });
  });
  call.on('data', (message: T) => {
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (messages.length >= waiter.n) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(messages.slice(0, waiter.n));
      }
    }
  });
  return {
    messages,
    done,
    call,
    next(n) {
      if (messages.length >= n) return Promise.resolve(messages.slice(0, n));
      if (ended) return Promise.reject(new Error('stream already ended'));
      return new Promise((resolve, reject) => waiters.push({ n, resolve, reject }));
    },
  };
}
