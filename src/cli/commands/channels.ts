/**
 * `lnkit channels`: every channel with its balances and local ratio.
 */
import type { Command } from 'commander';
import { localRatio } from '../../domain/channel.js';
import { formatTable, groupDigits, shorten } from '../output.js';
import type { CommandRunner } from '../run-command.js';

/** Adds `channels` to `program`. */
export function registerChannels(program: Command, run: CommandRunner): void {
  program
    .command('channels')
    .description('list channels: id, peer, capacity, local and remote balance, active, local ratio')
    .action(
      run(async (session) => {
        const channels = await (await session.lnd()).listChannels();
        const rows = channels.map((c) => ({ ...c, localRatio: localRatio(c) }));
        session.printer.result(rows, () =>
          rows.length === 0
            ? 'No channels.\n'
            : formatTable(
                [
                  { header: 'CHAN ID' },
                  { header: 'PEER' },
                  { header: 'CAPACITY (sat)', align: 'right' },
                  { header: 'LOCAL (sat)', align: 'right' },
                  { header: 'REMOTE (sat)', align: 'right' },
                  { header: 'ACTIVE' },
                  { header: 'LOCAL %', align: 'right' },
                ],
                rows.map((c) => [
                  c.chanId,
                  shorten(c.remotePubkey, 20),
                  groupDigits(c.capacitySat),
                  groupDigits(c.localBalanceSat),
                  groupDigits(c.remoteBalanceSat),
                  c.isActive ? 'yes' : 'no',
                  `${(c.localRatio * 100).toFixed(1)}%`,
                ]),
              ),
        );
      }),
    );
}
