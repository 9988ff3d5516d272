/**
 * The inbound check of `invoices.create`: an invoice no channel can receive is refused before it
 * reaches LND, instead of failing the payer later with `insufficient_balance`.
 *
 * One channel listing serves every create for {@link INBOUND_LISTING_TTL_MS}, and concurrent creates
 * share the listing in flight: without that, each create doubled LND's work (ListChannels beside
 * AddInvoice). Past that second the next create asks LND again but does not wait for the answer as
 * long as the kept listing is younger than {@link INBOUND_LISTING_MAX_AGE_MS}: otherwise every create
 * would stall behind one ListChannels round trip each second. A kept listing may only let an invoice
 * through: a refusal is always decided on a listing begun after the create began, so inbound added a
 * moment ago (a channel opened, a rebalance) is seen at once. A channel lost a moment ago may let
 * invoices through for about a second under steady traffic (at most three after a quiet spell) —
 * which the check can never rule out anyway: inbound changes between an invoice and its payment.
 */
import { channelLiquidity, summarize, type LiquidityTotals } from '../domain/liquidity.js';
import { InsufficientInboundError, isLightningError } from '../errors.js';
import type { ServiceContext } from '../service-context.js';

/** How long one ListChannels answers the check: at most one listing a second, however many creates. */
export const INBOUND_LISTING_TTL_MS = 1000;

/** How old a kept listing may be and still let an invoice through while its successor is listed. */
export const INBOUND_LISTING_MAX_AGE_MS = 3000;

/** The receivable totals of a listing, or null when the macaroon may not list channels (check skipped). */
type Receivable = LiquidityTotals | null;

/** One ListChannels answer: its number in start order, when it started, and what it says. */
interface Listing {
  readonly number: number;
  readonly at: number;
  readonly receivable: Receivable;
}

/**
 * The inbound check of one service: throws when the active channels together cannot receive
 * `valueMsat`. An amount that fits only across several channels (a multi-part payment) passes, with
 * a log line saying so. A macaroon that may not list channels (invoice.macaroon) skips the check.
 * @throws {InsufficientInboundError} carrying the receivable inbound
 */
export function createInboundCheck(ctx: ServiceContext): (valueMsat: bigint) => Promise<void> {
  /** Listings started so far; a listing's number tells whether it began after a given create. */
  let started = 0;
  let kept: Listing | null = null;
  let inFlight: { readonly number: number; readonly listing: Promise<Listing> } | null = null;

  async function list(number: number): Promise<Listing> {
    const at = ctx.clock.now();
    let receivable: Receivable;
    try {
      const channels = await ctx.lnd.listChannels();
      receivable = summarize(channels.map(channelLiquidity), new Date(ctx.clock.now())).totals;
    } catch (error) {
      if (!isLightningError(error) || error.code !== 'LND_PERMISSION') throw error;
      ctx.logger.warn({}, 'the macaroon cannot list channels: inbound check skipped');
      receivable = null;
    }
    const listing = { number, at, receivable };
    if (kept === null || kept.number < number) kept = listing;
    return listing;
  }

  /** A listing numbered `atLeast` or later: the one in flight when it is (single flight), else a new one. */
  function listing(atLeast: number): Promise<Listing> {
    if (inFlight !== null && inFlight.number >= atLeast) return inFlight.listing;
    const current = { number: ++started, listing: list(started) };
    inFlight = current;
    const clear = (): void => {
      if (inFlight === current) inFlight = null;
    };
    current.listing.then(clear, clear);
    return current.listing;
  }

  return async (valueMsat) => {
    const before = started;
    const now = ctx.clock.now();
    const amountSat = (valueMsat + 999n) / 1000n;
    // Passing may rest on any listing (kept, or in flight since before this create); refusing on one begun since.
    const age = kept !== null && now >= kept.at ? now - kept.at : Infinity;
    if (age >= INBOUND_LISTING_TTL_MS && age < INBOUND_LISTING_MAX_AGE_MS) {
      // Its successor is listed in the background; a failure shows in the create that has to wait for one.
      listing(0).catch(() => undefined);
    }
    let current = age < INBOUND_LISTING_MAX_AGE_MS ? kept! : await listing(0);
    if (current.receivable !== null && current.receivable.inboundSat < amountSat && current.number <= before)
      current = await listing(before + 1);
    const receivable = current.receivable;
    if (receivable === null) return;
    if (receivable.inboundSat < amountSat)
      throw new InsufficientInboundError(amountSat, receivable.inboundSat, receivable.maxChannelInboundSat);
    if (receivable.maxChannelInboundSat < amountSat)
      ctx.logger.warn(
        {
          amount_sat: amountSat.toString(),
          max_channel_inbound_sat: receivable.maxChannelInboundSat.toString(),
          inbound_sat: receivable.inboundSat.toString(),
        },
        'invoice fits only across several channels: the payer needs multi-part payments (MPP)',
      );
  };
}
