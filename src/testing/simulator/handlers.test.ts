import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../manual-clock.js';
import { createNetwork } from '../network/network.js';
import type { SimNode } from '../network/types.js';
import { DEFAULT_CHANNELS, DEFAULT_NODES } from './default-network.js';
import type { RpcHandler, RpcResponse } from './handler.js';
import { lightningHandlers } from './handlers-lightning.js';
import { invoicesHandlers, routerHandlers } from './handlers-router-invoices.js';
import { loadLndServices } from './load-protos.js';
import type { Wire } from './wire-out.js';

const network = createNetwork({ clock: createManualClock() });
for (const spec of DEFAULT_NODES) network.addNode(spec);
for (const spec of DEFAULT_CHANNELS) network.addChannel(spec);
const alice = network.node('alice');
const bob = network.node('bob');
afterAll(() => network.close());

const handlers: Record<string, RpcHandler> = { ...lightningHandlers, ...routerHandlers, ...invoicesHandlers };
const { Lightning, Router, Invoices } = loadLndServices();
const methods = { ...Lightning.service, ...Router.service, ...Invoices.service };

/** A response as a client decodes it (handlers answering bytes included). */
function received(method: string, response: RpcResponse): Wire {
  return Buffer.isBuffer(response) ? (methods[method]?.responseDeserialize(response) as Wire) : response;
}

function run(method: string, request: Wire, node: SimNode = alice): Wire {
  const handler = handlers[method];
  if (handler?.kind !== 'unary') throw new Error(`${method} is not unary`);
  return received(method, handler.run(request, node));
}

function open(method: string, request: Wire, node: SimNode = alice): Wire[] {
  const handler = handlers[method];
  if (handler?.kind !== 'stream') throw new Error(`${method} is not a stream`);
  const { stream, map, skip } = handler.open(request, node);
  const items: Wire[] = [];
  stream.onData((item) => {
    if (!skip?.(item)) items.push(received(method, map(item)));
  });
  return items;
}

function rpcError(fn: () => unknown): { code: number; details: string } {
  try {
    fn();
  } catch (error) {
    const { code, details } = error as { code: number; details: string };
    return { code, details };
  }
  throw new Error('expected an error');
}

describe('simulator handlers (wire ↔ model)', () => {
  it.each([
    ['LookupInvoice', { r_hash: Buffer.alloc(31) }, 2, 'payment hash must be exactly 32 bytes, is instead 31'],
    ['LookupInvoice', { r_hash_str: 'ab' }, 2, 'payment hash must be exactly 32 bytes, is instead 1'],
    ['AddInvoice', { r_preimage: Buffer.alloc(5) }, 2, 'invalid preimage length of 5, want 32'],
    ['AddInvoice', { value: '1', value_msat: '1000' }, 2, 'sat and msat arguments are mutually exclusive'],
    ['AddInvoice', { description_hash: Buffer.alloc(20) }, 2, 'description hash is 20 bytes, must be 32'],
    ['AddHoldInvoice', { hash: Buffer.alloc(33) }, 2, 'invalid hash length of 33, want 32'],
    ['SettleInvoice', { preimage: Buffer.alloc(0) }, 2, 'invalid preimage length of 0, want 32'],
    ['CancelInvoice', { payment_hash: Buffer.alloc(48) }, 2, 'invalid hash length of 48, want 32'],
    [
      'LookupInvoiceV2',
      { invoice_ref: 'payment_hash', payment_hash: Buffer.alloc(2) },
      3,
      'unable to parse pay hash: invalid hash length of 2, want 32',
    ],
    ['LookupInvoiceV2', {}, 3, 'invoice ref must be set'],
    [
      'ListChannels',
      { active_only: true, inactive_only: true },
      2,
      'either `active_only` or `inactive_only` can be set, but not both',
    ],
    ['ListChannels', { peer: Buffer.alloc(10) }, 2, 'invalid vertex length of 10, want 33'],
    [
      'QueryRoutes',
      { pub_key: '02'.padEnd(66, '1'), amt: '1', amt_msat: '1000' },
      2,
      'sat and msat arguments are mutually exclusive',
    ],
    [
      'QueryRoutes',
      { pub_key: '02'.padEnd(66, '1'), amt: '1', outgoing_chan_id: '1', outgoing_chan_ids: ['2'] },
      2,
      'outgoing_chan_id and outgoing_chan_ids cannot both be set',
    ],
  ])('%s %j → %i %s', (method, request, code, details) => {
    expect(rpcError(() => run(method, request))).toEqual({ code, details });
  });

  it.each([
    [
      { payment_request: 'x', fee_limit_sat: '1', fee_limit_msat: '1000' },
      'sat and msat arguments are mutually exclusive',
    ],
    [{ payment_request: 'x', last_hop_pubkey: Buffer.alloc(32) }, 'invalid vertex length of 32, want 33'],
    [
      { payment_request: 'x', outgoing_chan_id: '5', outgoing_chan_ids: ['6'] },
      'outgoing_chan_id and outgoing_chan_ids are mutually exclusive',
    ],
    [{ dest: Buffer.alloc(33) }, 'the LND simulator pays BOLT11 invoices only: payment_request must be set'],
  ])('SendPaymentV2 %j → 2 %s', (request, details) => {
    expect(rpcError(() => open('SendPaymentV2', request, bob))).toEqual({ code: 2, details });
  });

  it('serialises invoices with LND quirks: msat amt_paid, empty hold preimage, bytes hashes', () => {
    const preimage = randomBytes(32);
    const hash = createHash('sha256').update(preimage).digest();
    const hold = run('AddHoldInvoice', { hash, value_msat: '2500', memo: 'hold' });
    expect(typeof hold.add_index).toBe('string');
    const invoice = run('LookupInvoice', { r_hash: hash });
    expect(invoice).toMatchObject({
      value: '2',
      value_msat: '2500',
      state: 'OPEN',
      private: false,
      amt_paid: '0',
      settle_date: '0',
    });
    expect(invoice.r_preimage).toEqual(Buffer.alloc(0));
    expect(invoice.r_hash).toEqual(hash);
    expect(Object.keys(invoice.features as object)).toEqual(expect.arrayContaining(['8', '14', '17']));
    expect((invoice.features as Record<string, Wire>)['14']).toEqual({
      name: 'payment-addr',
      is_required: true,
      is_known: true,
    });
    const byAddr = run('LookupInvoiceV2', { invoice_ref: 'payment_addr', payment_addr: invoice.payment_addr });
    expect(byAddr.r_hash).toEqual(hash);
    expect(
      rpcError(() => run('LookupInvoiceV2', { invoice_ref: 'payment_hash', payment_hash: randomBytes(32) })),
    ).toEqual({
      code: 5,
      details: 'unable to locate invoice',
    });
    expect(
      rpcError(() => run('LookupInvoiceV2', { invoice_ref: 'payment_addr', payment_addr: randomBytes(32) })),
    ).toEqual({
      code: 5,
      details: 'unable to locate invoice',
    });
  });

  it('applies the QueryRoutes fee_limit oneof', () => {
    const dave = network.node('dave').pubkey;
    expect(
      rpcError(() =>
        run('QueryRoutes', { pub_key: dave, amt: '1000', fee_limit: { limit: 'fixed_msat', fixed_msat: '1' } }),
      ),
    ).toEqual({
      code: 2,
      details: 'unable to find a path to destination',
    });
    const routes = run('QueryRoutes', { pub_key: dave, amt: '1000', fee_limit: { limit: 'percent', percent: '100' } })
      .routes as Wire[];
    expect(routes).toHaveLength(1);
    const [first, last] = routes[0]?.hops as Wire[];
    // carol charges 1000 msat + 100 ppm of 1,000,000 msat = 1100 msat; the last hop's fee is 0.
    expect(first).toMatchObject({ fee_msat: '1100', amt_to_forward_msat: '1000000', chan_id: '877008154718978049' });
    expect(last).toMatchObject({ fee_msat: '0', amt_to_forward_msat: '1000000', chan_id: '877010352742170625' });
    expect(routes[0]).toMatchObject({
      total_amt_msat: '1001100',
      total_fees_msat: '1100',
      total_amt: '1001',
      total_fees: '1',
    });
  });

  it('skips in-flight updates when no_inflight_updates is set', () => {
    const dave = network.node('dave');
    const { paymentRequest } = dave.addInvoice({ valueSat: 10n, memo: 'x' });
    const updates = open('SendPaymentV2', {
      payment_request: paymentRequest,
      fee_limit_sat: '5',
      no_inflight_updates: true,
    });
    expect(updates.every((u) => u.status !== 'IN_FLIGHT')).toBe(true);
  });
});
