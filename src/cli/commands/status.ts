/**
 * `lnkit status`: the node (alias, pubkey, network, block height, sync) and its channels and balances.
 */
import type { Command } from 'commander';
import { formatKeyValues, formatSat } from '../output.js';
import type { CommandRunner } from '../run-command.js';

/** What `status --json` prints. */
export interface StatusReport {
  readonly alias: string;
  readonly pubkey: string;
  readonly network: string;
  readonly version: string;
  readonly blockHeight: number;
  readonly syncedToChain: boolean;
  readonly syncedToGraph: boolean;
  readonly peers: number;
  readonly channels: { readonly active: number; readonly total: number };
  readonly capacitySat: bigint;
  readonly localBalanceSat: bigint;
  readonly remoteBalanceSat: bigint;
}

/** Adds `status` to `program`. */
export function registerStatus(program: Command, run: CommandRunner): void {
  program
    .command('status')
    .description('show the node: alias, pubkey, network, block height, sync, channels, capacity and balances')
    .action(
      run(async (session) => {
        const lnd = await session.lnd();
        const [info, channels, balance] = await Promise.all([lnd.getInfo(), lnd.listChannels(), lnd.channelBalance()]);
        const report: StatusReport = {
          alias: info.alias,
          pubkey: info.pubkey,
          network: info.network,
          version: info.version,
          blockHeight: info.blockHeight,
          syncedToChain: info.isSyncedToChain,
          syncedToGraph: info.isSyncedToGraph,
          peers: info.numPeers,
          channels: { active: channels.filter((c) => c.isActive).length, total: channels.length },
          capacitySat: channels.reduce((sum, c) => sum + c.capacitySat, 0n),
          localBalanceSat: balance.localMsat / 1000n,
          remoteBalanceSat: balance.remoteMsat / 1000n,
        };
        session.printer.result(report, () =>
          formatKeyValues([
            ['Alias', report.alias || '(none)'],
            ['Pubkey', report.pubkey],
            ['Network', report.network],
            ['LND version', report.version],
            ['Block height', String(report.blockHeight)],
            [
              'Synced',
              `${report.syncedToChain ? 'yes' : 'no'} (chain), ${report.syncedToGraph ? 'yes' : 'no'} (graph)`,
            ],
            ['Peers', String(report.peers)],
            ['Channels', `${report.channels.active} active / ${report.channels.total} total`],
            ['Capacity', formatSat(report.capacitySat)],
            ['Local balance', formatSat(report.localBalanceSat)],
            ['Remote balance', formatSat(report.remoteBalanceSat)],
          ]),
        );
      }),
    );
}
