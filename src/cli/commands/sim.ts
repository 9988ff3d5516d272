/**
 * `lnkit sim`: a simulated LND network on 127.0.0.1 until Ctrl+C (see the simulator).
 */
import type { Command } from 'commander';
import { ValidationError } from '../../errors.js';
import type { CommandRunner } from '../run-command.js';

interface SimOptions {
  readonly dir?: string;
  readonly preset?: string;
}

const PRESETS = ['default', 'cycle'] as const;

/** Adds `sim` to `program`. */
export function registerSim(program: Command, run: CommandRunner): void {
  program
    .command('sim')
    .description('run a simulated Lightning network (alice, bob, carol, dave) and print how to connect, until Ctrl+C')
    .option('--dir <folder>', "write each node's tls.cert and macaroons here (default: a new temporary folder)")
    .option('--preset <name>', 'the network: default, or cycle (alice → carol → dave → alice, for rebalancing)')
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
