/**
 * `lnkit status`: the node (alias, pubkey, network, block height, sync) and its channels and balances.
 */
import type { Command } from 'commander';
import { LndUnavailableError } from '../../errors.js';
import type { LndClient } from '../../lnd/lnd-client.js';
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

/** One node of `status --json` with several nodes (LIGHTNING_NODES): its report, or why it is unreachable. */
export type NodeStatusReport =
  | ({ readonly name: string | null; readonly error?: undefined } & StatusReport)
  | { readonly name: string | null; readonly error: string };

/** The status of the node behind `lnd`. */
async function statusOf(lnd: LndClient): Promise<StatusReport> {
  const [info, channels, balance] = await Promise.all([lnd.getInfo(), lnd.listChannels(), lnd.channelBalance()]);
  return {
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
}

function lines(report: StatusReport): [string, string][] {
  return [
    ['Alias', report.alias || '(none)'],
    ['Pubkey', report.pubkey],
    ['Network', report.network],
    ['LND version', report.version],
    ['Block height', String(report.blockHeight)],
    ['Synced', `${report.syncedToChain ? 'yes' : 'no'} (chain), ${report.syncedToGraph ? 'yes' : 'no'} (graph)`],
    ['Peers', String(report.peers)],
    ['Channels', `${report.channels.active} active / ${report.channels.total} total`],
    ['Capacity', formatSat(report.capacitySat)],
    ['Local balance', formatSat(report.localBalanceSat)],
    ['Remote balance', formatSat(report.remoteBalanceSat)],
  ];
}

/** Adds `status` to `program`. */
export function registerStatus(program: Command, run: CommandRunner): void {
  program
    .command('status')
    .description(
      'show the node (every node of LIGHTNING_NODES without --node): alias, pubkey, network, block height, sync, channels, capacity and balances',
    )
    .action(
      run(async (session) => {
        const nodes = await session.nodes();
        // One node (a plain connection, or `--node`): the report as before #16.
        if (nodes.length === 1 && (nodes[0]!.name === null || session.options.node !== undefined)) {
          const report = await statusOf(nodes[0]!.client);
          session.printer.result(report, () => formatKeyValues(lines(report)));
          return;
        }
        // Several nodes: each is shown, an unreachable one with its reason (the others still count).
        const reports: NodeStatusReport[] = await Promise.all(
          nodes.map(({ name, client }) =>
            statusOf(client).then(
              (report) => ({ name, ...report }),
              (error: unknown) => ({ name, error: error instanceof Error ? error.message : String(error) }),
            ),
          ),
        );
        session.printer.result({ nodes: reports }, () =>
          reports
            .map((r) =>
              formatKeyValues([
                ['Node', r.name ?? '(default)'],
                ...(r.error !== undefined ? [['Down', r.error] as [string, string]] : lines(r)),
              ]),
            )
            .join('\n'),
        );
        if (reports.every((r) => r.error !== undefined))
          throw new LndUnavailableError(`no node answered: ${reports.map((r) => `${r.name}: ${r.error}`).join('; ')}`);
      }),
    );
}
