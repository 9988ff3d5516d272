/**
 * LndClient conformance cases about invoices (no payment needed).
 */
import assert from 'node:assert/strict';
import { isLightningError } from '../lightning-error.js';
import {
  caught,
  newPreimage,
  readUntil,
  resolves,
  uniqueMemo,
  type LndConformanceCase,
} from './conformance-helpers.js';

const HEX64 = /^[0-9a-f]{64}$/;

function assertCode(error: unknown, code: string, text?: string): void {
  assert.ok(isLightningError(error), `expected an lnkit error with code ${code}, got ${String(error)}`);
  assert.equal(error.code, code, `expected code ${code}, got ${error.code}: ${error.message}`);
  if (text !== undefined) assert.ok(error.message.includes(text), `expected "${text}" in "${error.message}"`);
}

/** Cases that only need the client under test. */
export const invoiceCases: readonly LndConformanceCase[] = [
  {
    name: 'getInfo returns the node identity with exact types',
    async run({ lnd }) {
      const info = await lnd.getInfo();
      assert.match(info.pubkey, /^0[23][0-9a-f]{64}$/);
      assert.ok(['mainnet', 'testnet', 'testnet4', 'signet', 'regtest', 'simnet'].includes(info.network));
      assert.ok(Number.isInteger(info.blockHeight) && info.blockHeight >= 0);
      assert.match(info.blockHash, /^[0-9a-f]{64}$/);
      assert.match(info.version, /^\d+\.\d+\.\d+/);
      assert.equal(typeof info.isSyncedToChain, 'boolean');
      assert.ok(Number.isInteger(info.numActiveChannels) && Number.isInteger(info.numPeers));
    },
  },
  {
    name: 'addInvoice then lookupInvoice round-trips every field',
    async run({ lnd }) {
      const { preimage, paymentHash } = newPreimage();
      const memo = uniqueMemo('round-trip');
      const added = await lnd.addInvoice({ valueMsat: 12_345_000n, memo, preimage, expirySeconds: 3600 });
      assert.equal(added.paymentHash, paymentHash);
      assert.ok(added.addIndex > 0n);
      assert.match(added.paymentRequest, /^ln/);
      assert.match(added.paymentAddr, HEX64);
      const invoice = await lnd.lookupInvoice(paymentHash);
      assert.equal(invoice.paymentHash, paymentHash);
      assert.equal(invoice.paymentRequest, added.paymentRequest);
      assert.equal(invoice.memo, memo);
      assert.equal(invoice.valueMsat, 12_345_000n);
      assert.equal(invoice.state, 'OPEN');
      assert.equal(invoice.addIndex, added.addIndex);
      assert.equal(invoice.settleIndex, 0n);
      assert.equal(invoice.amountPaidMsat, 0n);
      assert.equal(invoice.settleDate, null);
      assert.equal(invoice.expirySeconds, 3600);
      assert.equal(invoice.preimage, preimage);
      assert.ok(invoice.creationDate instanceof Date && !Number.isNaN(invoice.creationDate.getTime()));
      assert.equal(invoice.isKeysend, false);
      assert.deepEqual(invoice.htlcs, []);
    },
  },
  {
    name: 'addInvoice with an existing preimage throws InvoiceAlreadyExistsError',
    async run({ lnd }) {
      const { preimage } = newPreimage();
      await lnd.addInvoice({ valueMsat: 1_000n, memo: uniqueMemo('dup'), preimage });
      assertCode(
        await caught(() => lnd.addInvoice({ valueMsat: 2_000n, memo: uniqueMemo('dup'), preimage })),
        'INVOICE_ALREADY_EXISTS',
      );
    },
  },
  {
    name: 'lookupInvoice of an unknown hash throws InvoiceNotFoundError',
    async run({ lnd }) {
      assertCode(await caught(() => lnd.lookupInvoice(newPreimage().paymentHash)), 'INVOICE_NOT_FOUND');
    },
  },
  {
    name: 'listInvoices pages over add_index with an exclusive offset',
    async run({ lnd }) {
      const made = [];
      for (let i = 0; i < 3; i++)
        made.push(await lnd.addInvoice({ valueMsat: 1_000n * BigInt(i + 1), memo: uniqueMemo(`page ${i}`) }));
      const [a, b, c] = made.map((m) => m.addIndex) as [bigint, bigint, bigint];
      assert.ok(a < b && b < c);
      const forward = await lnd.listInvoices({ indexOffset: a, maxInvoices: 2 });
      assert.deepEqual(
        forward.invoices.map((i) => i.addIndex),
        [b, c],
      );
      assert.equal(forward.firstIndexOffset, b);
      assert.equal(forward.lastIndexOffset, c);
      assert.equal(forward.invoices[0]?.paymentHash, made[1]?.paymentHash);
      const next = await lnd.listInvoices({ indexOffset: c });
      assert.ok(next.invoices.every((i) => i.addIndex > c));
      const backward = await lnd.listInvoices({ indexOffset: c, maxInvoices: 2, reversed: true });
      assert.deepEqual(
        backward.invoices.map((i) => i.addIndex),
        [a, b],
      );
    },
  },
  {
    name: 'subscribeInvoices replays adds after addIndex in their current state; 0 means no replay',
    async run({ lnd }) {
      const anchor = await lnd.addInvoice({ valueMsat: 1_000n, memo: uniqueMemo('replay anchor') });
      const first = await lnd.addInvoice({ valueMsat: 1_000n, memo: uniqueMemo('replay 1') });
      const second = await lnd.addInvoice({ valueMsat: 2_000n, memo: uniqueMemo('replay 2') });
      await lnd.cancelInvoice(second.paymentHash);
      const third = await lnd.addInvoice({ valueMsat: 3_000n, memo: uniqueMemo('replay 3') });
      const ours = new Set([first.paymentHash, second.paymentHash, third.paymentHash]);
      const replayed = await readUntil(
        (signal) => lnd.subscribeInvoices({ addIndex: anchor.addIndex, settleIndex: 0n, signal }),
        (items) => items.some((i) => i.paymentHash === third.paymentHash),
        10_000,
        'the add replay',
      );
      const seen = replayed.filter((i) => ours.has(i.paymentHash));
      // The cancelled invoice is dropped from the replay (LND routes by current state).
      assert.deepEqual(
        seen.map((i) => [i.paymentHash, i.state]),
        [
          [first.paymentHash, 'OPEN'],
          [third.paymentHash, 'OPEN'],
        ],
      );

      // addIndex 0 / settleIndex 0: no replay at all, only live events.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 10_000);
      const stream = lnd.subscribeInvoices({ addIndex: 0n, settleIndex: 0n, signal: controller.signal });
      const it = stream[Symbol.asyncIterator]();
      try {
        const pending = it.next(); // opens the subscription before the next invoice exists
        const fourth = await lnd.addInvoice({ valueMsat: 4_000n, memo: uniqueMemo('live') });
        const live = [];
        for (let r = await pending; !r.done; r = await it.next()) {
          live.push(r.value);
          if (r.value.paymentHash === fourth.paymentHash) break;
        }
        assert.equal(
          live.find((i) => i.paymentHash === fourth.paymentHash)?.state,
          'OPEN',
          'expected the live add event',
        );
        assert.ok(!live.some((i) => ours.has(i.paymentHash)), 'addIndex 0 must not replay older invoices');
      } finally {
        clearTimeout(timer);
        await it.return?.();
      }
    },
  },
  {
    name: 'subscribeInvoices replays every add after addIndex, in ascending add index, skipping none',
    async run({ lnd }) {
      const anchor = await lnd.addInvoice({ valueMsat: 1_000n, memo: uniqueMemo('order anchor') });
      const made = [];
      for (let i = 0; i < 5; i++)
        made.push(await lnd.addInvoice({ valueMsat: 1_000n + BigInt(i), memo: uniqueMemo(`order ${i}`) }));
      const lastHash = made[made.length - 1]!.paymentHash;
      const replayed = await readUntil(
        (signal) => lnd.subscribeInvoices({ addIndex: anchor.addIndex, settleIndex: 0n, signal }),
        (items) => items.some((i) => i.paymentHash === lastHash),
        10_000,
        'the add replay',
      );
      const ours = new Set(made.map((m) => m.paymentHash));
      assert.deepEqual(
        replayed.filter((i) => ours.has(i.paymentHash)).map((i) => [i.paymentHash, i.addIndex]),
        made.map((m) => [m.paymentHash, m.addIndex]),
        'each invoice added after addIndex, once, with the add index addInvoice gave it',
      );
      const indexes = replayed.map((i) => i.addIndex);
      assert.ok(
        indexes.every((index, n) => index > anchor.addIndex && (n === 0 || index > indexes[n - 1]!)),
        `the add backlog must be strictly ascending after ${anchor.addIndex}, got ${indexes.join(', ')}`,
      );
    },
  },
  {
    name: 'cancelInvoice cancels an open invoice and is idempotent',
    async run({ lnd }) {
      const added = await lnd.addInvoice({ valueMsat: 5_000n, memo: uniqueMemo('cancel') });
      await lnd.cancelInvoice(added.paymentHash);
      await resolves(lnd.cancelInvoice(added.paymentHash), 'a second cancelInvoice');
      assert.equal((await lnd.lookupInvoice(added.paymentHash)).state, 'CANCELED');
      assertCode(await caught(() => lnd.cancelInvoice(newPreimage().paymentHash)), 'INVOICE_NOT_FOUND');
    },
  },
  {
    name: 'settleInvoice on an open hold invoice fails with "invoice still open"',
    async run({ lnd }) {
      const { preimage, paymentHash } = newPreimage();
      const hold = await lnd.addHoldInvoice({ paymentHash, valueMsat: 9_000n, memo: uniqueMemo('hold open') });
      assert.match(hold.paymentRequest, /^ln/);
      assert.ok(hold.addIndex > 0n);
      const invoice = await lnd.lookupInvoice(paymentHash);
      assert.equal(invoice.state, 'OPEN');
      assert.equal(invoice.preimage, null);
      const error = await caught(() => lnd.settleInvoice(preimage));
      assert.ok(isLightningError(error) && error.message.includes('invoice still open'), String(error));
      await lnd.cancelInvoice(paymentHash);
    },
  },
  {
    name: "decodePayReq decodes the node's own invoice",
    async run({ lnd }) {
      const info = await lnd.getInfo();
      const memo = uniqueMemo('decode');
      const added = await lnd.addInvoice({ valueMsat: 21_000n, memo, expirySeconds: 600, cltvExpiry: 40 });
      const decoded = await lnd.decodePayReq(added.paymentRequest);
      assert.equal(decoded.destination, info.pubkey);
      assert.equal(decoded.paymentHash, added.paymentHash);
      assert.equal(decoded.amountMsat, 21_000n);
      assert.equal(decoded.description, memo);
      assert.equal(decoded.descriptionHash, '');
      assert.equal(decoded.expirySeconds, 600);
      assert.equal(decoded.cltvExpiry, 40);
      assert.equal(decoded.paymentAddr, added.paymentAddr);
      assert.ok(decoded.timestamp instanceof Date);
      const error = await caught(() => lnd.decodePayReq('lnbc1notaninvoice'));
      assert.ok(isLightningError(error), String(error));
    },
  },
  {
    name: 'listChannels reports bigint amounts and decimal string chan ids',
    async run({ lnd }) {
      for (const c of await lnd.listChannels()) {
        assert.match(c.chanId, /^\d+$/);
        assert.match(c.remotePubkey, /^0[23][0-9a-f]{64}$/);
        assert.match(c.channelPoint, /^[0-9a-f]{64}:\d+$/);
        for (const v of [c.capacitySat, c.localBalanceSat, c.remoteBalanceSat, c.localReserveSat])
          assert.equal(typeof v, 'bigint');
        assert.ok(c.localBalanceSat + c.remoteBalanceSat <= c.capacitySat);
        assert.equal(typeof c.isActive, 'boolean');
      }
      const balance = await lnd.channelBalance();
      for (const v of Object.values(balance)) assert.equal(typeof v, 'bigint');
    },
  },
  {
    name: 'trackPayment of an unknown hash throws PaymentNotFoundError',
    async run({ lnd }) {
      const error = await caught(async () => {
        for await (const _ of lnd.trackPayment({ paymentHash: newPreimage().paymentHash })) break;
      });
      assertCode(error, 'PAYMENT_NOT_FOUND');
    },
  },
];
