/**
 * `createLndClient`: the real LndClient adapter, LND over gRPC with TLS and a macaroon, a deadline
 * on every unary call, retries for idempotent calls, one circuit breaker for everything.
 */
import * as grpc from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { LndConnectionError, LndError, isLightningError } from '../../errors.js';
import type { LndClient } from '../lnd-client.js';
import { resolveLndConfig, type LndClientConfig, type ResolvedLndConfig } from './client-config.js';
import { createLndCredentials, ipServerName, macaroonMetadata } from './credentials.js';
import { decodeInvoicePageWire, decodeInvoiceWire } from './invoice-wire.js';
import { LND_SERVICES, loadLndProtos } from './load-protos.js';
import { isDisconnect, toLightningError } from './map-grpc-error.js';
import { createLndPolicies, type CircuitStateName, type LndPolicies } from './policies.js';
import { createLndMethods } from './lnd-methods.js';
import { streamIterable } from './streams.js';
import { callUnary, type LndMethod } from './unary.js';

/** An LndClient with the state of its circuit breaker. */
export type GrpcLndClient = LndClient & {
  /** 'open' while calls fail fast; cockatiel moves to 'half-open' when the next call arrives. */
  readonly circuitState: CircuitStateName;
};

/** @internal Test-only knobs; the public API is TLS-only. */
export interface LndClientInternals {
  /** Plain-text HTTP/2 with the macaroon as call metadata (unit tests on 127.0.0.1 only). */
  readonly insecure?: boolean;
  readonly initialRetryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Folder holding the protos; found from the module location by default. */
  readonly protosDir?: string;
}

/** The transport pieces `lnd-methods.ts` builds the port on. */
export interface LndTransport {
  unary(rpc: string, request: object, idempotent: boolean): Promise<unknown>;
  stream<T>(
    rpc: string,
    request: object,
    convert: (v: unknown) => T,
    options: { signal?: AbortSignal; isFinal?: (item: T) => boolean },
  ): AsyncIterable<T>;
  close(): Promise<void>;
}

function channelOptions(config: ResolvedLndConfig, serverName: string | undefined): grpc.ChannelOptions {
  return {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.keepalive_permit_without_calls': 0,
    // No channelz: lnkit exposes none of it, and its per-call bookkeeping (call counters, timestamps,
    // trackers on the channel, subchannel and transport) is a few percent of a unary call's CPU (#15).
    'grpc.enable_channelz': 0,
    // Keep reconnect attempts at least as frequent as breaker probes, so a probe after a restart
    // finds the channel reconnected instead of still backing off.
    'grpc.initial_reconnect_backoff_ms': Math.min(1_000, config.halfOpenAfterMs),
    'grpc.max_reconnect_backoff_ms': Math.max(config.halfOpenAfterMs, 100),
    ...(serverName === undefined ? {} : { 'grpc.ssl_target_name_override': serverName }),
  };
}

/**
 * Method tables by protos folder, shared by every client of the process: parsing the protos costs
 * ~100 ms, and protobufjs generates each message's codec on its first use (the `Invoice` decoder and
 * `toObject` another ~100 ms). A second client (another node, a restart in the same process) reuses
 * both. The definitions are never changed after loading.
 */
const methodTables = new Map<string, ReadonlyMap<string, LndMethod>>();

function methodTable(protosDir: string | undefined): ReadonlyMap<string, LndMethod> {
  const key = protosDir ?? '';
  let table = methodTables.get(key);
  if (table === undefined) {
    table = loadMethodTable(protosDir);
    methodTables.set(key, table);
  }
  return table;
}

/** The invoice answers decoded straight from the wire (src/lnd/grpc/invoice-wire.ts), not by proto-loader. */
const WIRE_DECODERS: Readonly<Record<string, (buffer: Buffer) => unknown>> = {
  'Lightning.ListInvoices': decodeInvoicePageWire,
  'Lightning.LookupInvoice': decodeInvoiceWire,
  'Lightning.SubscribeInvoices': decodeInvoiceWire,
  'Invoices.SubscribeSingleInvoice': decodeInvoiceWire,
};

function loadMethodTable(protosDir: string | undefined): Map<string, LndMethod> {
  const definition = loadLndProtos(protosDir);
  const table = new Map<string, LndMethod>();
  for (const serviceName of LND_SERVICES) {
    const service = definition[serviceName] as ServiceDefinition;
    for (const [name, method] of Object.entries(service)) {
      const rpc = `${serviceName.split('.')[1]}.${name}`;
      const wire = WIRE_DECODERS[rpc];
      table.set(rpc, wire ? { ...(method as LndMethod), responseDeserialize: wire } : (method as LndMethod));
    }
  }
  return table;
}

function createTransport(
  config: ResolvedLndConfig,
  internals: LndClientInternals,
  policies: LndPolicies,
): LndTransport {
  const methods = methodTable(internals.protosDir);
  // An explicit override names (and verifies) the server; else an IP is verified as the IP, under a DNS name.
  const byIp =
    internals.insecure || config.serverNameOverride !== undefined ? null : ipServerName(config.socket, config.certPem);
  const serverName = config.serverNameOverride ?? byIp?.serverName;
  const credentials = internals.insecure
    ? grpc.credentials.createInsecure()
    : createLndCredentials(config.certPem, config.macaroonHex, byIp?.ip);
  // With TLS the macaroon rides on the call credentials; insecure channels cannot carry those.
  const callMetadata = (): grpc.Metadata =>
    internals.insecure ? macaroonMetadata(config.macaroonHex) : new grpc.Metadata();
  const client = new grpc.Client(config.socket, credentials, channelOptions(config, serverName));
  const liveStreams = new Set<() => void>();
  let closed = false;
  let disconnected = false;

  const notify = (state: 'connected' | 'disconnected', reason?: string): void => {
    try {
      config.onConnectionChange?.(state, reason);
    } catch {
      // A throwing listener must not turn a good LND answer into a failure.
    }
  };
  const noteSuccess = (): void => {
    if (!disconnected) return;
    disconnected = false;
    notify('connected');
  };
  const noteFailure = (error: unknown): void => {
    if (disconnected || !isDisconnect(error)) return;
    disconnected = true;
    notify('disconnected', error instanceof Error ? error.message : String(error));
  };
  const method = (rpc: string): LndMethod => {
    const found = methods.get(rpc);
    if (!found) throw new LndError(`lnkit has no proto definition for ${rpc}`);
    return found;
  };
  const ensureOpen = (): void => {
    if (closed) throw new LndConnectionError('this LND client is closed');
  };
  // The unary path allocates no closures but the one cockatiel calls (#15): these are shared.
  const succeeded = (response: unknown): unknown => {
    noteSuccess();
    return response;
  };
  const failed = (error: unknown): never => {
    noteFailure(error);
    throw error;
  };
  const attempt = (definition: LndMethod, request: object): Promise<unknown> =>
    callUnary(client, definition, request, callMetadata(), config.timeoutMs).then(succeeded, failed);
  const asLightningError = (error: unknown): never => {
    throw isLightningError(error) ? error : toLightningError(error, policies.lastFailure);
  };

  return {
    unary(rpc, request, idempotent) {
      let definition: LndMethod;
      try {
        ensureOpen();
        definition = method(rpc);
      } catch (error) {
        return Promise.reject(error);
      }
      return policies.execute(idempotent, () => attempt(definition, request)).then(undefined, asLightningError);
    },
    stream(rpc, request, convert, options) {
      const definition = method(rpc);
      return streamIterable({
        ...options,
        convert,
        open: async () => {
          ensureOpen();
          try {
            return await policies.admit(() =>
              client.makeServerStreamRequest(
                definition.path,
                definition.requestSerialize,
                definition.responseDeserialize,
                request,
                callMetadata(),
              ),
            );
          } catch (error) {
            throw toLightningError(error, policies.lastFailure);
          }
        },
        onFirstMessage: () => {
          noteSuccess();
          policies.recordSuccess();
        },
        onError: (error) => {
          noteFailure(error);
          policies.recordFailure(error);
        },
        track: (cancel) => {
          liveStreams.add(cancel);
          return () => liveStreams.delete(cancel);
        },
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const cancel of [...liveStreams]) cancel();
      client.close();
    },
  };
}

/**
 * @internal createLndClient with test-only knobs (insecure transport, short retry delays).
 */
export function createLndClientWithInternals(config: LndClientConfig, internals: LndClientInternals): GrpcLndClient {
  const resolved = resolveLndConfig(config);
  const policies = createLndPolicies({
    maxRetries: resolved.maxRetries,
    consecutiveFailures: resolved.consecutiveFailures,
    halfOpenAfterMs: resolved.halfOpenAfterMs,
    ...(internals.initialRetryDelayMs === undefined ? {} : { initialRetryDelayMs: internals.initialRetryDelayMs }),
    ...(internals.maxRetryDelayMs === undefined ? {} : { maxRetryDelayMs: internals.maxRetryDelayMs }),
  });
  const transport = createTransport(resolved, internals, policies);
  const port = createLndMethods(transport);
  return Object.freeze(
    Object.defineProperty({ ...port }, 'circuitState', {
      get: () => policies.state,
      enumerable: true,
    }) as GrpcLndClient,
  );
}

/**
 * Connects to LND over gRPC (TLS + macaroon). Nothing is dialled until the first call.
 * @param config `{ socket, cert, macaroon }` or `{ lndconnect }`, plus timeouts, retries, breaker
 * @throws {ValidationError} on a bad socket, certificate, macaroon or option
 * @example
 * const lnd = createLndClient({ socket: '127.0.0.1:10009', cert: '/home/me/.lnd/tls.cert', macaroon: invoiceMacaroonHex });
 * const info = await lnd.getInfo();
 */
export function createLndClient(config: LndClientConfig): GrpcLndClient {
  return createLndClientWithInternals(config, {});
}
