/**
 * `lnkit sim`: a simulated LND network on 127.0.0.1 until Ctrl+C (see the simulator).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { ValidationError } from '../../errors.js';
import type { CommandRunner } from '../run-command.js';

interface SimOptions {
  readonly dir?: string;
  readonly preset?: string;
  readonly portBase?: number;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65_535)
    throw new InvalidArgumentError(`expected a port in 1-65535, got ${JSON.stringify(value)}`);
  return n;
}

const PRESETS = ['default', 'cycle', 'merchants'] as const;

/** Adds `sim` to `program`. */
export function registerSim(program: Command, run: CommandRunner): void {
  program
    .command('sim')
    .description(
      'run a simulated Lightning network (alice, bob, carol, dave) and print export lines to connect, until Ctrl+C',
    )
    .option('--dir <folder>', "write each node's tls.cert and macaroons here (default: a new temporary folder)")
    .option(
      '--preset <name>',
      'the network: default, cycle (alice → carol → dave → alice, for rebalancing) or merchants (alice and erin)',
    )
    .option('--port-base <port>', 'stable ports: alice on <port>, bob on <port>+1, … (default: free ports)', parsePort)
    .action(
      run(async (session, options: SimOptions) => {
        const preset = options.preset ?? 'default';
        if (!(PRESETS as readonly string[]).includes(preset))
          throw new ValidationError('preset', `expected one of ${PRESETS.join(', ')}, got ${JSON.stringify(preset)}`);
        const { runSimCommand } = await import('../../testing/simulator/sim-command.js');
        const controller = new AbortController();
        const stop = (): void => controller.abort();
        session.io.signal?.addEventListener('abort', stop, { once: true });
        if (session.io.signal?.aborted) stop();
        try {
          await runSimCommand({
            ...(options.dir === undefined ? {} : { dir: options.dir }),
            simulator: { preset: preset as (typeof PRESETS)[number] },
            ...(options.portBase === undefined ? {} : { portBase: options.portBase }),
            json: session.printer.json,
            out: (line) => void session.io.stdout.write(`${line}\n`),
            signal: controller.signal,
          });
        } finally {
          session.io.signal?.removeEventListener('abort', stop);
        }
      }),
    );
}
