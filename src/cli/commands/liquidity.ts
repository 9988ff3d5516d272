/**
 * `lnkit liquidity`: the liquidity snapshot as a table with a balance bar per channel.
 * `lnkit rebalance`: one circular rebalance (or its price with --dry-run).
 */
import type { Command } from 'commander';
import type { ChannelLiquidity, LiquiditySnapshot } from '../../domain/liquidity.js';
import type { Rebalance } from '../../domain/rebalance.js';
import { CommandFailedError } from '../exit-codes.js';
import { formatDate, formatKeyValues, formatMsat, formatTable, groupDigits, shorten } from '../output.js';
import type { CommandRunner } from '../run-command.js';

const BAR_WIDTH = 20;

/** `[██████░░░░]`: local balance in full blocks, remote in light shade. */
export function balanceBar(channel: Pick<ChannelLiquidity, 'localRatio'>, width = BAR_WIDTH): string {
  const local = Math.round(channel.localRatio * width);
  return `[${'█'.repeat(local)}${'░'.repeat(width - local)}]`;
}

/** The snapshot as text: one row per channel, then the totals. */
export function formatSnapshot(snapshot: LiquiditySnapshot): string {
  if (snapshot.channels.length === 0) return 'No channels.\n';
  const table = formatTable(
    [
      { header: 'CHAN ID' },
      { header: 'PEER' },
      { header: 'CAPACITY', align: 'right' },
      { header: 'OUTBOUND', align: 'right' },
      { header: 'INBOUND', align: 'right' },
      { header: 'LOCAL | REMOTE' },
      { header: 'LOCAL %', align: 'right' },
      { header: 'STATE' },
    ],
    snapshot.channels.map((c) => [
      c.chanId,
      c.peerAlias === '' ? shorten(c.remotePubkey, 20) : shorten(c.peerAlias, 20),
      groupDigits(c.capacitySat),
      groupDigits(c.outboundSat),
      groupDigits(c.inboundSat),
      balanceBar(c),
      `${(c.localRatio * 100).toFixed(1)}%`,
      [c.isActive ? 'active' : 'inactive', c.isPrivate ? 'private' : ''].filter(Boolean).join(', '),
    ]),
  );
  const t = snapshot.totals;
  return `${table}\n${formatKeyValues([
    ['Channels', `${t.activeChannelCount} active of ${t.channelCount}`],
    ['Can send', `${groupDigits(t.outboundSat)} sat`],
    [
      'Can receive',
      `${groupDigits(t.inboundSat)} sat (at most ${groupDigits(t.maxChannelInboundSat)} sat in one channel)`,
    ],
    ['Local ratio', `${(t.localRatio * 100).toFixed(1)}%`],
  ])}`;
}

/** One rebalance as key/values. */
export function formatRebalance(r: Rebalance): string {
  return formatKeyValues([
    ['ID', r.id],
    ['Status', r.failureReason ? `${r.status} (${r.failureReason})` : r.status],
    ['Out channel', r.outChanId],
    ['In peer', r.inPeer],
    ['In channel', r.inChanId ?? '-'],
    ['Amount', `${groupDigits(r.amountSat)} sat`],
    ['Fee', formatMsat(r.feeMsat)],
    ['Fee limit', formatMsat(r.maxFeeMsat)],
    ['Created', formatDate(r.createdAt)],
    ['Completed', formatDate(r.completedAt)],
  ]);
}

interface RebalanceOptions {
  readonly out: string;
  readonly in: string;
  readonly amount: string;
  readonly maxFee: string;
  readonly dryRun?: boolean;
  readonly idempotencyKey?: string;
}

/** Adds `liquidity` and `rebalance` to `program`. */
export function registerLiquidity(program: Command, run: CommandRunner): void {
  program
    .command('liquidity')
    .description('channel liquidity: outbound and inbound after reserves, a balance bar per channel, totals')
    .action(
      run(async (session) => {
        const snapshot = await (await session.lightning()).liquidity.snapshot();
        session.printer.result(snapshot, () => formatSnapshot(snapshot));
      }),
    );
  program
    .command('rebalance')
    .description('move local balance: pay ourselves out of one channel and back through another peer')
    .requiredOption('--out <chan>', 'chan id of the channel to leave by (too much local balance)')
    .requiredOption('--in <peer>', 'pubkey of the peer to come back through (too little local balance)')
    .requiredOption('--amount <sat>', 'amount to move, in sats')
    .requiredOption('--max-fee <sat>', 'most fee to pay, in sats')
    .option('--dry-run', 'price the route with QueryRoutes and send nothing')
    .option('--idempotency-key <key>', 'a second run with the same key sends nothing')
    .action(
      run(async (session, options: RebalanceOptions) => {
        const { liquidity } = await session.lightning();
        const input = {
          outChannel: options.out,
          inPeer: options.in,
          amountSat: options.amount,
          maxFeeSat: options.maxFee,
          ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
        };
        if (options.dryRun) {
          const quote = await liquidity.quote(input);
          session.printer.result(quote, () =>
            formatKeyValues([
              ['Dry run', quote.status === 'ready' ? 'ready: nothing was sent' : `would not send (${quote.reason})`],
              ['Out channel', quote.outChanId],
              ['In peer', quote.inPeer],
              ['Amount', `${groupDigits(quote.amountSat)} sat`],
              ['Route fee', quote.feeMsat === null ? '-' : formatMsat(quote.feeMsat)],
              ['Fee limit', formatMsat(quote.feeLimitMsat)],
              ['Hops', quote.route ? quote.route.hops.map((h) => shorten(h.pubkey, 12)).join(' → ') : '-'],
              ['Detail', quote.detail],
            ]),
          );
          if (quote.status !== 'ready') throw new CommandFailedError(`rebalance would not run: ${quote.detail}`);
          return;
        }
        const rebalance = await liquidity.rebalance(input);
        session.printer.result(rebalance, () => formatRebalance(rebalance));
      }),
    );
}
