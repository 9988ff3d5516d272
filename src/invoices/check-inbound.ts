/**
 * The inbound check of `invoices.create`: an invoice no channel can receive is refused before it
 * reaches LND, instead of failing the payer later with `insufficient_balance`.
 */
import { channelLiquidity, summarize } from '../domain/liquidity.js';
import { InsufficientInboundError, isLightningError } from '../errors.js';
import type { ServiceContext } from '../service-context.js';

/**
 * Throws when the active channels together cannot receive `valueMsat`. An amount that fits only
 * across several channels (a multi-part payment) passes, with a log line saying so. A macaroon
 * that may not list channels (invoice.macaroon) skips the check.
 * @throws {InsufficientInboundError} carrying the receivable inbound
 */
export async function checkInbound(ctx: ServiceContext, valueMsat: bigint): Promise<void> {
  let channels;
  try {
    channels = await ctx.lnd.listChannels();
  } catch (error) {
    if (isLightningError(error) && error.code === 'LND_PERMISSION') {
      ctx.logger.warn({}, 'the macaroon cannot list channels: inbound check skipped');
      return;
    }
    throw error;
  }
  const { totals } = summarize(channels.map(channelLiquidity), new Date(ctx.clock.now()));
  const amountSat = (valueMsat + 999n) / 1000n;
  if (totals.inboundSat < amountSat)
    throw new InsufficientInboundError(amountSat, totals.inboundSat, totals.maxChannelInboundSat);
  if (totals.maxChannelInboundSat < amountSat)
    ctx.logger.warn(
      {
        amount_sat: amountSat.toString(),
        max_channel_inbound_sat: totals.maxChannelInboundSat.toString(),
        inbound_sat: totals.inboundSat.toString(),
      },
      'invoice fits only across several channels: the payer needs multi-part payments (MPP)',
    );
}
