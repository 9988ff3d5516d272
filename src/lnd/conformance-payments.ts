/**
 * LndClient conformance cases that need a payer node with a route to the node under test.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isLightningError } from '../lightning-error.js';
import {
  caught,
  newPreimage,
  payAll,
  readUntil,
  requirePayer,
  resolves,
  uniqueMemo,
  type LndConformanceCase,
} from './conformance-helpers.js';
import type { LndClient, LndInvoice, LndPayment } from './lnd-client.js';

const sha256 = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

/** Waits on SubscribeSingleInvoice until the invoice reaches `state`. */
async function waitForState(lnd: LndClient, paymentHash: string, state: LndInvoice['state']): Promise<LndInvoice[]> {
  return readUntil(
    (signal) => lnd.subscribeSingleInvoice({ paymentHash, signal }),
    (items) => items[items.length - 1]?.state === state,
    15_000,
    `invoice state ${state}`,
  );
}

/** Runs a hold-invoice payment up to ACCEPTED; returns the pending payment. */
async function acceptHold(lnd: LndClient, payer: LndClient, label: string) {
  const { preimage, paymentHash } = newPreimage();
  const hold = await lnd.addHoldInvoice({ paymentHash, valueMsat: 15_000n, memo: uniqueMemo(label) });
  const accepted = waitForState(lnd, paymentHash, 'ACCEPTED');
  const paying = payAll(payer, hold.paymentRequest, 30_000);
  paying.catch(() => undefined);
  const states = await accepted;
  assert.equal(states[0]?.state, 'OPEN', 'SubscribeSingleInvoice sends the current state first');
  const invoice = await lnd.lookupInvoice(paymentHash);
  assert.equal(invoice.state, 'ACCEPTED');
  assert.equal(invoice.preimage, null);
  assert.equal(invoice.htlcs.length, 1);
  assert.equal(invoice.htlcs[0]?.state, 'ACCEPTED');
  return { preimage, paymentHash, paying };
}

const last = (updates: readonly LndPayment[]): LndPayment => {
  const final = updates[updates.length - 1];
  assert.ok(final, 'expected at least one payment update');
  return final;
};

/** Cases where the payer pays the node under test. */
export const paymentCases: readonly LndConformanceCase[] = [
  {
    name: 'sendPayment: IN_FLIGHT then SUCCEEDED with the preimage; a second payment is "already paid"',
    needsPayer: true,
    async run(ctx) {
      const payer = requirePayer(ctx);
      const added = await ctx.lnd.addInvoice({ valueMsat: 50_000n, memo: uniqueMemo('pay') });
      const updates = await payAll(payer, added.paymentRequest);
      assert.ok(['IN_FLIGHT', 'INITIATED'].includes(updates[0]?.status ?? ''), `first update ${updates[0]?.status}`);
      const final = last(updates);
      assert.equal(final.status, 'SUCCEEDED');
      assert.equal(final.failureReason, 'NONE');
      assert.equal(final.paymentHash, added.paymentHash);
      assert.equal(final.valueMsat, 50_000n);
      assert.ok(final.preimage !== null && sha256(final.preimage) === added.paymentHash);
      assert.ok(final.route && final.route.hops.length >= 1);
      assert.equal(final.route.hops[final.route.hops.length - 1]?.feeMsat, 0n);
      assert.equal(final.route.totalAmountMsat, 50_000n + final.feeMsat);
      const invoice = await ctx.lnd.lookupInvoice(added.paymentHash);
      assert.equal(invoice.state, 'SETTLED');
      assert.ok(invoice.settleIndex > 0n);
      assert.equal(invoice.amountPaidMsat, 50_000n);
      assert.ok(invoice.settleDate instanceof Date);
      const tracked = await readUntil(
        (signal) => payer.trackPayment({ paymentHash: added.paymentHash, signal }),
        () => false,
        10_000,
      );
      assert.equal(last(tracked).status, 'SUCCEEDED');
      const again = await caught(() => payAll(payer, added.paymentRequest));
      assert.ok(isLightningError(again) && again.message.includes('invoice is already paid'), String(again));
    },
  },
  {
    name: 'sendPayment to a cancelled invoice FAILS with INCORRECT_PAYMENT_DETAILS',
    needsPayer: true,
    async run(ctx) {
      const payer = requirePayer(ctx);
      const added = await ctx.lnd.addInvoice({ valueMsat: 7_000n, memo: uniqueMemo('fail') });
      await ctx.lnd.cancelInvoice(added.paymentHash);
      const final = last(await payAll(payer, added.paymentRequest));
      assert.equal(final.status, 'FAILED');
      assert.equal(final.failureReason, 'INCORRECT_PAYMENT_DETAILS');
      assert.equal(final.preimage, null);
    },
  },
  {
    name: 'subscribeInvoices delivers a live settle and replays the settle backlog after settleIndex',
    needsPayer: true,
    async run(ctx) {
      const payer = requirePayer(ctx);
      // Index 0 means "no replay", so anchor both cursors on real (non-zero) indexes first.
      const settleAnchor = await ctx.lnd.addInvoice({ valueMsat: 1_000n, memo: uniqueMemo('settle anchor') });
      assert.equal(last(await payAll(payer, settleAnchor.paymentRequest)).status, 'SUCCEEDED');
      const settleCursor = (await ctx.lnd.lookupInvoice(settleAnchor.paymentHash)).settleIndex;
      const anchor = await ctx.lnd.addInvoice({ valueMsat: 1_000n, memo: uniqueMemo('anchor') });
      const paid = await ctx.lnd.addInvoice({ valueMsat: 11_000n, memo: uniqueMemo('live settle') });
      const open = await ctx.lnd.addInvoice({ valueMsat: 12_000n, memo: uniqueMemo('stays open') });
      const settled = readUntil(
        (signal) => ctx.lnd.subscribeInvoices({ addIndex: anchor.addIndex, settleIndex: 0n, signal }),
        (items) => items.some((i) => i.paymentHash === paid.paymentHash && i.state === 'SETTLED'),
        15_000,
        'the live settle',
      );
      assert.equal(last(await payAll(payer, paid.paymentRequest)).status, 'SUCCEEDED');
      const live = (await settled).find((i) => i.paymentHash === paid.paymentHash && i.state === 'SETTLED');
      assert.ok(live && live.settleIndex > 0n && live.preimage !== null);

      const ours = new Set([paid.paymentHash, open.paymentHash]);
      const replay = await readUntil(
        (signal) => ctx.lnd.subscribeInvoices({ addIndex: anchor.addIndex, settleIndex: settleCursor, signal }),
        (items) => items.filter((i) => ours.has(i.paymentHash)).length >= 3,
        10_000,
        'the add and settle backlog',
      );
      // Add backlog first (current state: the paid one is already SETTLED), then the settle backlog.
      assert.deepEqual(
        replay.filter((i) => ours.has(i.paymentHash)).map((i) => [i.paymentHash, i.state]),
        [
          [paid.paymentHash, 'SETTLED'],
          [open.paymentHash, 'OPEN'],
          [paid.paymentHash, 'SETTLED'],
        ],
      );
    },
  },
  {
    name: 'settle indexes grow with each settlement; lookupInvoice and the settle backlog agree on them',
    needsPayer: true,
    async run(ctx) {
      const payer = requirePayer(ctx);
      const first = await ctx.lnd.addInvoice({ valueMsat: 2_000n, memo: uniqueMemo('settle order 1') });
      const second = await ctx.lnd.addInvoice({ valueMsat: 3_000n, memo: uniqueMemo('settle order 2') });
      for (const added of [first, second])
        assert.equal(last(await payAll(payer, added.paymentRequest)).status, 'SUCCEEDED');
      const a = await ctx.lnd.lookupInvoice(first.paymentHash);
      const b = await ctx.lnd.lookupInvoice(second.paymentHash);
      assert.ok(a.settleIndex > 0n, `a settled invoice has a settle index, got ${a.settleIndex}`);
      assert.ok(
        b.settleIndex > a.settleIndex,
        `a later settlement has a higher settle index: ${b.settleIndex} after ${a.settleIndex}`,
      );
      // The settle backlog after a's index holds b (with the same index), not a.
      const replay = await readUntil(
        (signal) => ctx.lnd.subscribeInvoices({ addIndex: second.addIndex, settleIndex: a.settleIndex, signal }),
        (items) => items.some((i) => i.paymentHash === second.paymentHash),
        10_000,
        'the settle backlog',
      );
      const replayed = replay.find((i) => i.paymentHash === second.paymentHash);
      assert.equal(replayed?.state, 'SETTLED');
      assert.equal(replayed?.settleIndex, b.settleIndex, 'the stream and lookupInvoice agree on the settle index');
      assert.ok(!replay.some((i) => i.paymentHash === first.paymentHash), 'settleIndex is exclusive');
    },
  },
  {
    name: 'hold invoice: ACCEPTED when paid, then settleInvoice settles it and the payment succeeds',
    needsPayer: true,
    async run(ctx) {
      const payer = requirePayer(ctx);
      const { preimage, paymentHash, paying } = await acceptHold(ctx.lnd, payer, 'hold settle');
      const settledStates = waitForState(ctx.lnd, paymentHash, 'SETTLED');
      await ctx.lnd.settleInvoice(preimage);
      await resolves(ctx.lnd.settleInvoice(preimage), 'a second settleInvoice');
      const states = await settledStates;
      assert.equal(states[states.length - 1]?.preimage, preimage);
      const final = last(await paying);
      assert.equal(final.status, 'SUCCEEDED');
      assert.equal(final.preimage, preimage);
      const error = await caught(() => ctx.lnd.cancelInvoice(paymentHash));
      assert.ok(isLightningError(error) && error.message.includes('invoice already settled'), String(error));
    },
  },
  {
    name: 'hold invoice: ACCEPTED when paid, then cancelInvoice fails the payment back',
    needsPayer: true,
    async run(ctx) {
      const payer = requirePayer(ctx);
      const { preimage, paymentHash, paying } = await acceptHold(ctx.lnd, payer, 'hold cancel');
      await ctx.lnd.cancelInvoice(paymentHash);
      await resolves(ctx.lnd.cancelInvoice(paymentHash), 'a second cancelInvoice');
      const final = last(await paying);
      assert.equal(final.status, 'FAILED');
      assert.equal(final.failureReason, 'INCORRECT_PAYMENT_DETAILS');
      const invoice = await ctx.lnd.lookupInvoice(paymentHash);
      assert.equal(invoice.state, 'CANCELED');
      assert.ok(invoice.htlcs.every((h) => h.state === 'CANCELED'));
      const error = await caught(() => ctx.lnd.settleInvoice(preimage));
      assert.ok(isLightningError(error) && error.message.includes('invoice already canceled'), String(error));
    },
  },
];
