/**
 * One simulated LND node behind its own gRPC server on 127.0.0.1: TLS with its own self-signed
 * P-256 certificate, macaroons verified on every call, fault injection and a call log.
 */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { sleep, type Clock } from '../../domain/clock.js';
import { LndRpcError } from '../network/rpc-error.js';
import type { SimCall, SimNode, SimStream } from '../network/types.js';
import type { RpcHandler } from './handler.js';
import { invoicesHandlers, routerHandlers } from './handlers-router-invoices.js';
import { lightningHandlers } from './handlers-lightning.js';
import type { LndServices } from './load-protos.js';
import { bakeMacaroon, serializeMacaroon, verifyMacaroon } from './macaroons.js';
import { MACAROON_OPS, RPC_PERMISSIONS, type MacaroonKind } from './permissions.js';
import { generateTlsCertificate, type TlsCertificate } from './tls-cert.js';

const UNAVAILABLE = grpc.status.UNAVAILABLE;
const SHUTDOWN_GRACE_MS = 1_000;

/** Fault injection on one simulated node. */
export interface NodeFaults {
  /** Ends every open server stream of this node with UNAVAILABLE (clients must resubscribe). */
  dropStreams(): void;
  /** Every call fails with UNAVAILABLE for `ms` (measured on the simulator's clock). */
  unavailable(ms: number): void;
  /** Delays every call by `ms` on the simulator's clock; 0 clears it. */
  latency(ms: number): void;
  /**
   * Shuts the server down as LND does and takes the node offline: invoice streams end with OK,
   * payment streams fail with `routerrpc server shutting down`, then calls see UNAVAILABLE. Idempotent.
   */
  stop(): Promise<void>;
  /** Starts the server again on the same port with the same certificate and macaroons. Idempotent. */
  start(): Promise<void>;
}

/** A running node server. */
export interface NodeServer {
  readonly port: number;
  readonly tls: TlsCertificate;
  /** Hex macaroons, as clients send them in the `macaroon` metadata. */
  readonly macaroons: Readonly<Record<MacaroonKind, string>>;
  readonly faults: NodeFaults;
  /** Every call that reached the server, including refused ones. */
  callLog(): SimCall[];
}

interface OpenCall {
  readonly call: grpc.ServerWritableStream<unknown, unknown>;
  readonly stream: SimStream<unknown>;
}

/** The grpc-js status for an error: model errors keep LND's code and text. */
function toStatus(error: unknown): Partial<grpc.StatusObject> & { message: string } {
  if (typeof error === 'object' && error !== null) {
    const { code, details } = error as { code?: unknown; details?: unknown };
    if (typeof code === 'number' && typeof details === 'string') return { code, details, message: details };
  }
  const details = `internal server error: ${error instanceof Error ? error.message : String(error)}`;
  return { code: grpc.status.INTERNAL, details, message: details };
}

/**
 * `service` with response serializers that send a Buffer unchanged (a response the handler
 * encoded itself, see invoice-encode.ts) and serialize anything else as before.
 */
function passingEncoded(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const wrapped: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service)) {
    const serialize = method.responseSerialize;
    wrapped[name] = {
      ...method,
      responseSerialize: (value: unknown) => (Buffer.isBuffer(value) ? value : serialize(value)),
    };
  }
  return wrapped;
}

/**
 * Starts a gRPC server for `node` on 127.0.0.1 (a free port unless `port` is given).
 * @example const server = await startNodeServer({ node, services, clock });
 */
export async function startNodeServer(options: {
  readonly node: SimNode;
  readonly services: LndServices;
  readonly clock: Clock;
  readonly port?: number;
}): Promise<NodeServer> {
  const { node, services, clock } = options;
  const tls = generateTlsCertificate();
  const rootKey = new Uint8Array(randomBytes(32));
  const macaroons = Object.fromEntries(
    (Object.keys(MACAROON_OPS) as MacaroonKind[]).map((kind) => [
      kind,
      Buffer.from(serializeMacaroon(bakeMacaroon(rootKey, MACAROON_OPS[kind]))).toString('hex'),
    ]),
  ) as Record<MacaroonKind, string>;
  const calls: SimCall[] = [];
  const openCalls = new Set<OpenCall>();
  let unavailableUntil = Number.NEGATIVE_INFINITY;
  let latencyMs = 0;
  let server: grpc.Server | null = null;
  let port = options.port ?? 0;

  async function gate(path: string, metadata: grpc.Metadata): Promise<void> {
    calls.push({ method: path.slice(path.lastIndexOf('/') + 1), at: clock.now() });
    if (clock.now() < unavailableUntil) throw new LndRpcError(UNAVAILABLE, 'simulated outage: the node is unavailable');
    if (latencyMs > 0) await sleep(clock, latencyMs);
    // Node's HTTP/2 joins repeated headers with ', '; grpc-go (LND) sees separate values.
    const values = metadata
      .get('macaroon')
      .flatMap((value): (string | Buffer)[] =>
        typeof value === 'string' ? value.split(',').map((v) => v.trim()) : [value],
      );
    verifyMacaroon(values, rootKey, RPC_PERMISSIONS[path] ?? [{ entity: 'uri', actions: [path] }], clock.now());
  }

  function unaryImpl(
    path: string,
    handler: Extract<RpcHandler, { kind: 'unary' }>,
  ): grpc.handleUnaryCall<unknown, unknown> {
    return (call, callback) => {
      gate(path, call.metadata)
        .then(() => handler.run(call.request as Record<string, unknown>, node))
        .then(
          (response) => callback(null, response),
          (error: unknown) => callback(toStatus(error)),
        );
    };
  }

  function streamImpl(
    path: string,
    handler: Extract<RpcHandler, { kind: 'stream' }>,
  ): grpc.handleServerStreamingCall<unknown, unknown> {
    return (call) => {
      let entry: OpenCall | undefined;
      let isCancelled = false;
      call.on('cancelled', () => {
        isCancelled = true;
        if (entry) {
          openCalls.delete(entry);
          entry.stream.close();
        }
      });
      gate(path, call.metadata)
        .then(() => {
          if (isCancelled) return;
          const { stream, map, skip } = handler.open(call.request as Record<string, unknown>, node);
          const current: OpenCall = { call, stream };
          entry = current;
          openCalls.add(current);
          stream.onData((item) => {
            if (!skip?.(item)) call.write(map(item));
          });
          stream.onEnd(() => {
            if (!openCalls.delete(current)) return;
            call.end();
          });
          stream.onError((error) => {
            if (!openCalls.delete(current)) return;
            call.emit('error', toStatus(error));
          });
        })
        .catch((error: unknown) => call.emit('error', toStatus(error)));
    };
  }

  function implementation(
    service: grpc.ServiceDefinition,
    handlers: Readonly<Record<string, RpcHandler>>,
  ): grpc.UntypedServiceImplementation {
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [name, method] of Object.entries(service)) {
      const handler = handlers[name];
      if (!handler) continue;
      impl[name] = handler.kind === 'unary' ? unaryImpl(method.path, handler) : streamImpl(method.path, handler);
    }
    return impl;
  }

  /** Ends every open stream: as a dropped connection (UNAVAILABLE), or as LND does on shutdown. */
  function endOpenCalls(how: 'drop' | 'shutdown'): void {
    for (const entry of [...openCalls]) {
      openCalls.delete(entry);
      entry.stream.close();
      const path = entry.call.getPath();
      if (how === 'drop') {
        entry.call.emit('error', {
          code: UNAVAILABLE,
          details: 'connection dropped (simulated)',
          message: 'connection dropped',
        });
      } else if (path.startsWith('/routerrpc.')) {
        entry.call.emit('error', {
          code: grpc.status.UNKNOWN,
          details: 'routerrpc server shutting down',
          message: 'shutting down',
        });
      } else {
        // LND ends invoice subscriptions with OK when it shuts down (`case <-r.quit: return nil`).
        entry.call.end();
      }
    }
  }

  async function start(): Promise<void> {
    if (server) return;
    const next = new grpc.Server();
    for (const [service, handlers] of [
      [services.Lightning.service, lightningHandlers],
      [services.Router.service, routerHandlers],
      [services.Invoices.service, invoicesHandlers],
    ] as const) {
      next.addService(passingEncoded(service), implementation(service, handlers));
    }
    const credentials = grpc.ServerCredentials.createSsl(
      null,
      [{ cert_chain: Buffer.from(tls.certPem), private_key: Buffer.from(tls.keyPem) }],
      false,
    );
    port = await new Promise<number>((resolve, reject) => {
      next.bindAsync(`127.0.0.1:${port}`, credentials, (error, boundPort) =>
        error ? reject(error) : resolve(boundPort),
      );
    });
    server = next;
    if (!node.isOnline) node.setOnline(true);
  }

  async function stop(): Promise<void> {
    const current = server;
    if (!current) return;
    server = null;
    endOpenCalls('shutdown');
    if (node.isOnline) node.setOnline(false);
    // Let the final statuses go out, but never wait long on a client (a real timer: this is I/O).
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        current.forceShutdown();
        resolve();
      }, SHUTDOWN_GRACE_MS);
      timer.unref();
      current.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  await start();
  return {
    get port() {
      return port;
    },
    tls,
    macaroons,
    faults: {
      dropStreams: () => endOpenCalls('drop'),
      unavailable(ms) {
        unavailableUntil = clock.now() + ms;
      },
      latency(ms) {
        latencyMs = Math.max(0, ms);
      },
      stop,
      start,
    },
    callLog: () => [...calls],
  };
}
