/**
 * `lnkit health`: LND, sync, channels, store, rates, webhook backlog and settlement stream.
 * Exit 0 when ok, 3 when LND is unreachable, 1 when anything else is unhealthy.
 */
import type { Command } from 'commander';
import type { Lightning } from '../../create-lightning.js';
import { isLightningError } from '../../errors.js';
import { CommandFailedError, EXIT_CODES, UNREACHABLE_CODES } from '../exit-codes.js';
import { formatTable } from '../output.js';
import type { CommandRunner } from '../run-command.js';

/** How long `health` waits for the settlement stream to connect before probing. */
const STREAM_CONNECT_WAIT_MS = 3_000;

/** Adds `health` to `program`. */
export function registerHealth(program: Command, run: CommandRunner): void {
  program
    .command('health')
    .description('check LND, chain sync, channel capacity, store, rates, webhook backlog and the settlement stream')
    .action(
      run(async (session) => {
        let lightning: Lightning;
        try {
          lightning = await session.lightning();
          // The settlement stream opens in the background after start(); give it a moment.
          await lightning.events.waitFor('lnd.connected', undefined, STREAM_CONNECT_WAIT_MS).catch(() => undefined);
        } catch (error) {
          // LND down: still report every other check, then exit 3.
          if (!isLightningError(error) || !UNREACHABLE_CODES.has(error.code)) throw error;
          const { createLightning } = await import('../../create-lightning.js');
          const [lnd, store, rates] = await Promise.all([session.lnd(), session.store(), session.rates()]);
          lightning = createLightning({ lnd, rates, store });
        }
        const report = await lightning.health();
        session.printer.result(
          report,
          () =>
            `Status: ${report.status}\n\n` +
            formatTable(
              [{ header: 'CHECK' }, { header: 'OK' }, { header: 'MS', align: 'right' }, { header: 'DETAIL' }],
              report.checks.map((c) => [c.name, c.healthy ? 'yes' : 'NO', String(c.latencyMs), c.detail]),
            ),
        );
        if (report.status === 'ok') return;
        const lndDown = report.checks.some((c) => c.name === 'lnd_connection' && !c.healthy);
        const failing = report.checks.filter((c) => !c.healthy).map((c) => c.name);
        throw new CommandFailedError(
          `${report.status}: ${failing.join(', ')} unhealthy`,
          lndDown ? EXIT_CODES.lndUnreachable : EXIT_CODES.other,
        );
      }),
    );
}
