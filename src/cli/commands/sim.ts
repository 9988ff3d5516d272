/**
 * `lnkit sim`: a simulated LND network on 127.0.0.1 until Ctrl+C (see the simulator).
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../run-command.js';

interface SimOptions {
  readonly dir?: string;
}

/** Adds `sim` to `program`. */
export function registerSim(program: Command, run: CommandRunner): void {
  program
    .command('sim')
    .description('run a simulated Lightning network (alice, bob, carol, dave) and print how to connect, until Ctrl+C')
    .option('--dir <folder>', "write each node's tls.cert and macaroons here (default: a new temporary folder)")
    .action(
      run(async (session, options: SimOptions) => {
        const { runSimCommand } = await import('../../testing/simulator/sim-command.js');
        const controller = new AbortController();
        const stop = (): void => controller.abort();
        session.io.signal?.addEventListener('abort', stop, { once: true });
        if (session.io.signal?.aborted) stop();
        try {
          await runSimCommand({
            ...(options.dir === undefined ? {} : { dir: options.dir }),
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
