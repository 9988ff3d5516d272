/** Well-formed LND responses as proto-loader decodes them, shared by the adapter's unit tests. */
const HASH = Buffer.alloc(32, 0xab);
const PREIMAGE = Buffer.alloc(32, 0xcd);
const PUBKEY = `02${'11'.repeat(32)}`;

/** A settled lnrpc.Invoice. */
export function invoiceMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    memo: 'coffee',
    r_preimage: PREIMAGE,
    r_hash: HASH,
    value: '1000',
    value_msat: '1000000',
    settled: true,
    creation_date: '1700000000',
    settle_date: '1700000100',
    payment_request: 'lnbcrt10u1pjexample',
    description_hash: Buffer.alloc(0),
    expiry: '86400',
    fallback_addr: '',
    cltv_expiry: '80',
    route_hints: [],
    private: false,
    add_index: '7',
    settle_index: '3',
    amt_paid: '1000000',
    amt_paid_sat: '1000',
    amt_paid_msat: '1000000',
    state: 'SETTLED',
    htlcs: [
      {
        chan_id: '18446744073709551615',
        htlc_index: '0',
        amt_msat: '1000000',
        accept_height: 120,
        accept_time: '1700000050',
        resolve_time: '1700000100',
        expiry_height: 200,
        state: 'SETTLED',
        custom_records: {},
        mpp_total_amt_msat: '1000000',
        amp: null,
        custom_channel_data: Buffer.alloc(0),
      },
    ],
    features: {},
    is_keysend: false,
    payment_addr: Buffer.alloc(32, 1),
    is_amp: false,
    amp_invoice_state: {},
    ...overrides,
  };
}

/** A succeeded lnrpc.Payment with one route. */
export function paymentMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    payment_hash: HASH.toString('hex'),
    value: '1000',
    creation_date: '1700000000',
    fee: '1',
    payment_preimage: PREIMAGE.toString('hex'),
    value_sat: '1000',
    value_msat: '1000000',
    payment_request: 'lnbcrt10u1pjexample',
    status: 'SUCCEEDED',
    fee_sat: '1',
    fee_msat: '1000',
    creation_time_ns: '1700000000123456789',
    htlcs: [
      {
        attempt_id: '1',
        status: 'SUCCEEDED',
        route: {
          total_time_lock: 300,
          total_fees: '1',
          total_amt: '1001',
          hops: [
            {
              chan_id: '9007199254740993',
              pub_key: PUBKEY,
              amt_to_forward_msat: '1000000',
              fee_msat: '0',
              expiry: 300,
            },
          ],
          total_fees_msat: '1000',
          total_amt_msat: '1001000',
        },
      },
    ],
    payment_index: '5',
    failure_reason: 'FAILURE_REASON_NONE',
    ...overrides,
  };
}

/** An lnrpc.GetInfoResponse. */
export function getInfoMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0.20.0-beta commit=v0.20.0-beta',
    identity_pubkey: PUBKEY,
    alias: 'alice',
    num_active_channels: 2,
    num_peers: 3,
    block_height: 812,
    block_hash: '00'.repeat(32),
    synced_to_chain: true,
    synced_to_graph: false,
    chains: [{ chain: 'bitcoin', network: 'regtest' }],
    ...overrides,
  };
}

/** An lnrpc.Channel with a chan id above 2^53. */
export function channelMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    active: true,
    remote_pubkey: PUBKEY,
    channel_point: `${'ef'.repeat(32)}:1`,
    chan_id: '877008154718978049',
    capacity: '1000000',
    local_balance: '600000',
    remote_balance: '390000',
    private: false,
    local_chan_reserve_sat: '10000',
    local_constraints: { chan_reserve_sat: '10000' },
    remote_chan_reserve_sat: '10000',
    remote_constraints: { chan_reserve_sat: '10000' },
    commit_fee: '2810',
    unsettled_balance: '0',
    initiator: true,
    peer_alias: 'carol',
    ...overrides,
  };
}

/** An lnrpc.PayReq. */
export function payReqMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    destination: PUBKEY,
    payment_hash: HASH.toString('hex'),
    num_satoshis: '1000',
    timestamp: '1700000000',
    expiry: '3600',
    description: 'coffee',
    description_hash: '',
    cltv_expiry: '80',
    payment_addr: Buffer.alloc(32, 1),
    num_msat: '1000000',
    ...overrides,
  };
}
