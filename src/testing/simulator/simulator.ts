/**
 * `startLndSimulator()`: every node of a network model behind its own gRPC server on 127.0.0.1,
 * with its own TLS certificate and macaroons, speaking LND's protocol (lnrpc, routerrpc,
 * invoicesrpc) so that any LND client works against it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../domain/clock.js';
import { ValidationError } from '../../errors.js';
import { createNetwork } from '../network/network.js';
import type { AddChannelSpec, AddNodeSpec, SimCall, SimNetwork, SimNetworkName, SimNode } from '../network/types.js';
import { SIMULATOR_PRESETS, type SimulatorPreset } from './default-network.js';
import { loadLndServices } from './load-protos.js';
import { startNodeServer, type NodeFaults, type NodeServer } from './node-server.js';
import type { MacaroonKind } from './permissions.js';
import { certificateDer } from './tls-cert.js';

/** A node to create (`name`, optional `alias` and 32-byte hex `privateKey`). */
export type NodeSpec = AddNodeSpec;

/** A channel to open between two named nodes. */
export type ChannelSpec = AddChannelSpec;

/** Options of {@link startLndSimulator}. */
export interface LndSimulatorOptions {
  /** Default is alice, bob, carol and dave (see `DEFAULT_NODES`); giving nodes drops the default channels too. */
  readonly nodes?: readonly NodeSpec[];
  /** Default is the default network's channels when `nodes` is not given, else none. */
  readonly channels?: readonly ChannelSpec[];
  /**
   * The network used when `nodes` is not given. Default is `'default'`; `'cycle'` adds dave–alice
   * so alice's channels form a cycle (alice → carol → dave → alice) for rebalancing; `'merchants'`
   * adds erin, a second merchant node reachable from bob through carol (several nodes behind one lnkit).
   */
  readonly preset?: SimulatorPreset;
  /** Drives block height, expiries, unavailability windows and latency. Default is the system clock. */
  readonly clock?: Clock;
  /** Default is `'regtest'`. */
  readonly network?: SimNetworkName;
  /** Milliseconds per block. Default is the model's (10 minutes). */
  readonly blockTimeMs?: number;
  /** Serve an existing network model instead of creating one (its nodes are all served). */
  readonly model?: SimNetwork;
  /** Folder holding lightning.proto, router.proto and invoices.proto. Default is the package's `protos/`. */
  readonly protosDir?: string;
  /**
   * Stable ports: the nth node (from 0, in network order) listens on `portBase + n`. Default is a
   * free port per node, different on each start.
   */
  readonly portBase?: number;
}

/** Connection details and controls of one simulated node. */
export interface SimulatedNode {
  readonly name: string;
  /** `127.0.0.1:<port>`. */
  readonly socket: string;
  /** The node's TLS certificate (PEM): pass it as the client's root CA. */
  readonly cert: string;
  /** Hex macaroons for the `macaroon` metadata. */
  readonly macaroons: Readonly<Record<MacaroonKind, string>>;
  readonly pubkey: string;
  /** `lndconnect://127.0.0.1:<port>?cert=<base64url DER>&macaroon=<base64url admin macaroon>`. */
  readonly lndconnect: string;
  readonly faults: NodeFaults;
  /** RPCs received by this node's server (LND method names), including refused ones. */
  callLog(): SimCall[];
  /** The node in the network model (pay from it, inspect it, take it offline). */
  readonly model: SimNode;
}

/** Paths written by {@link LndSimulator.writeCredentials} for one node. */
export interface NodeCredentialPaths {
  readonly tlsCert: string;
  readonly adminMacaroon: string;
  readonly invoiceMacaroon: string;
  readonly readonlyMacaroon: string;
}

/** A running simulator. */
export interface LndSimulator {
  /** The network model behind the servers. */
  readonly network: SimNetwork;
  /** @throws {Error} for an unknown name */
  node(name: string): SimulatedNode;
  /** Every simulated node (with its socket, certificate and macaroons). */
  nodes(): SimulatedNode[];
  /** Writes `<dir>/<name>/tls.cert` and `admin|invoice|readonly.macaroon` (binary) for every node. */
  writeCredentials(dir: string): Promise<Record<string, NodeCredentialPaths>>;
  /** Shuts every server down and closes the model. Idempotent. */
  stop(): Promise<void>;
}

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

function simulatedNode(model: SimNode, server: NodeServer): SimulatedNode {
  const socketOf = (): string => `127.0.0.1:${server.port}`;
  const lndconnect = (): string =>
    `lndconnect://${socketOf()}?cert=${base64url(certificateDer(server.tls.certPem))}&macaroon=${base64url(Buffer.from(server.macaroons.admin, 'hex'))}`;
  return {
    name: model.name,
    get socket() {
      return socketOf();
    },
    cert: server.tls.certPem,
    macaroons: server.macaroons,
    pubkey: model.pubkey,
    get lndconnect() {
      return lndconnect();
    },
    faults: server.faults,
    callLog: () => server.callLog(),
    model,
  };
}

/**
 * Starts a simulated Lightning network whose nodes each listen on 127.0.0.1 with TLS and
 * macaroons. Close it with `stop()` (e.g. in `afterAll`).
 * @example
 * const sim = await startLndSimulator();
 * const alice = sim.node('alice'); // { socket, cert, macaroons.admin, lndconnect, faults }
 * await sim.stop();
 */
export async function startLndSimulator(options: LndSimulatorOptions = {}): Promise<LndSimulator> {
  const { portBase } = options;
  if (portBase !== undefined && (!Number.isInteger(portBase) || portBase < 1 || portBase > 65_535))
    throw new ValidationError('portBase', `expected a port in 1-65535, got ${String(portBase)}`);
  const services = loadLndServices(options.protosDir);
  const network =
    options.model ??
    createNetwork({
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.network ? { network: options.network } : {}),
      ...(options.blockTimeMs !== undefined ? { blockTimeMs: options.blockTimeMs } : {}),
    });
  const useDefaults = options.nodes === undefined && options.model === undefined;
  const preset = SIMULATOR_PRESETS[options.preset ?? 'default'];
  if (!preset)
    throw new Error(
      `expected a simulator preset (${Object.keys(SIMULATOR_PRESETS).join(', ')}), got ${String(options.preset)}`,
    );
  for (const spec of options.nodes ?? (useDefaults ? preset.nodes : [])) network.addNode(spec);
  for (const spec of options.channels ?? (useDefaults ? preset.channels : [])) network.addChannel(spec);

  const clock = options.clock ?? network.clock;
  const byName = new Map<string, SimulatedNode>();
  const servers: NodeServer[] = [];
  let isStopped = false;

  async function stop(): Promise<void> {
    if (isStopped) return;
    isStopped = true;
    await Promise.all(servers.map((server) => server.faults.stop()));
    if (!options.model) network.close();
  }

  try {
    for (const [index, model] of network.nodes().entries()) {
      const port = portBase === undefined ? undefined : portBase + index;
      if (port !== undefined && port > 65_535)
        throw new ValidationError('portBase', `expected room for ${network.nodes().length} ports, got ${portBase}`);
      const server = await startNodeServer({ node: model, services, clock, ...(port === undefined ? {} : { port }) });
      servers.push(server);
      byName.set(model.name, simulatedNode(model, server));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    network,
    node(name) {
      const found = byName.get(name);
      if (!found)
        throw new Error(
          `expected one of the simulated nodes (${[...byName.keys()].join(', ')}), got ${JSON.stringify(name)}`,
        );
      return found;
    },
    nodes: () => [...byName.values()],
    async writeCredentials(dir) {
      const written: Record<string, NodeCredentialPaths> = {};
      for (const node of byName.values()) {
        const folder = join(dir, node.name);
        await mkdir(folder, { recursive: true });
        const paths: NodeCredentialPaths = {
          tlsCert: join(folder, 'tls.cert'),
          adminMacaroon: join(folder, 'admin.macaroon'),
          invoiceMacaroon: join(folder, 'invoice.macaroon'),
          readonlyMacaroon: join(folder, 'readonly.macaroon'),
        };
        await writeFile(paths.tlsCert, node.cert);
        await writeFile(paths.adminMacaroon, Buffer.from(node.macaroons.admin, 'hex'), { mode: 0o600 });
        await writeFile(paths.invoiceMacaroon, Buffer.from(node.macaroons.invoice, 'hex'), { mode: 0o600 });
        await writeFile(paths.readonlyMacaroon, Buffer.from(node.macaroons.readonly, 'hex'), { mode: 0o600 });
        written[node.name] = paths;
      }
      return written;
    },
    stop,
  };
}
