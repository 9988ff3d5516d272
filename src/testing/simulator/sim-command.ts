/**
 * The `lnkit sim` command: starts the default simulated network, writes each node's credentials
 * (LND's file layout) into a folder and prints, per node, the `export LIGHTNING_…=` lines that
 * connect the CLI or an app to it, then runs until aborted and says so when it stops.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLndSimulator, type LndSimulatorOptions } from './simulator.js';

/** Options of {@link runSimCommand}. */
export interface SimCommandOptions {
  /** Folder for the credentials. Default is a new temporary folder. */
  readonly dir?: string;
  /** Print one JSON document instead of one line per node. */
  readonly json?: boolean;
  /** Output sink. Default writes to stdout. */
  readonly out?: (line: string) => void;
  /** Stops the simulator when aborted. Without it, SIGINT/SIGTERM stop it. */
  readonly signal?: AbortSignal;
  /** Stable ports: the nodes listen on `portBase`, `portBase + 1`, … Default is free ports. */
  readonly portBase?: number;
  /** Passed to `startLndSimulator` (tests use it for a custom network). */
  readonly simulator?: LndSimulatorOptions;
}

function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolveStop) => {
    if (signal) {
      if (signal.aborted) return resolveStop();
      signal.addEventListener('abort', () => resolveStop(), { once: true });
      return;
    }
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveStop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/**
 * Runs the simulator until `signal` aborts (or SIGINT/SIGTERM when no signal is given).
 * @example await runSimCommand({ dir: './.lnkit-sim', signal: controller.signal });
 */
export async function runSimCommand(options: SimCommandOptions = {}): Promise<void> {
  const out = options.out ?? ((line: string) => void process.stdout.write(`${line}\n`));
  // The simulator first: a refused option or a taken port leaves no empty credentials folder behind.
  const sim = await startLndSimulator({
    ...options.simulator,
    ...(options.portBase === undefined ? {} : { portBase: options.portBase }),
  });
  try {
    const dir = resolve(options.dir ?? (await mkdtemp(join(tmpdir(), 'lnkit-sim-'))));
    const paths = await sim.writeCredentials(dir);
    const nodes = sim.nodes().map((node) => ({
      name: node.name,
      pubkey: node.pubkey,
      socket: node.socket,
      lndconnect: node.lndconnect,
      ...paths[node.name]!,
    }));
    if (options.json) {
      out(JSON.stringify({ dir, network: sim.network.network, nodes }, null, 2));
    } else {
      out(`lnkit sim: ${nodes.length} simulated LND nodes (${sim.network.network}); credentials in ${dir}`);
      for (const node of nodes) {
        out('');
        out(`# ${node.name} ${node.socket} pubkey ${node.pubkey}`);
        out(`export LIGHTNING_HOST=${node.socket}`);
        out(`export LIGHTNING_CERT_PATH=${shellQuote(node.tlsCert)}`);
        out(`export LIGHTNING_MACAROON_PATH=${shellQuote(node.adminMacaroon)}`);
        out(`#   also ${shellQuote(node.invoiceMacaroon)} and ${shellQuote(node.readonlyMacaroon)}`);
      }
      out('');
      out('Press Ctrl+C to stop.');
    }
    await waitForStop(options.signal);
  } finally {
    await sim.stop();
  }
  if (!options.json) out('lnkit sim: stopped; the simulated nodes are gone (their credential files are kept).');
}

/** `path` as one shell word (quoted only when it needs to be). */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
