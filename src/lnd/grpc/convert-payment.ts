/** LND `Payment` / `Route` / `QueryRoutesResponse` / `ListPaymentsResponse` → port types, validated. */
import type { LndHop, LndPayment, LndPaymentFailureReason, LndPaymentStatus, LndRoute } from '../lnd-client.js';
import {
  count,
  enumValue,
  hexString,
  invalidResponse,
  message,
  messages,
  nonNegativeI64,
  optionalMessage,
  str,
  u64,
  u64String,
  type Message,
} from './validate.js';

const STATUSES: readonly LndPaymentStatus[] = ['IN_FLIGHT', 'SUCCEEDED', 'FAILED', 'INITIATED'];
const REASONS: readonly LndPaymentFailureReason[] = [
  'NONE',
  'TIMEOUT',
  'NO_ROUTE',
  'ERROR',
  'INCORRECT_PAYMENT_DETAILS',
  'INSUFFICIENT_BALANCE',
  'CANCELED',
];
const PREFIXED_REASONS = REASONS.map((r) => `FAILURE_REASON_${r}` as const);
const ZERO_PREIMAGE = '0'.repeat(64);

function toHop(msg: Message, where: string): LndHop {
  return {
    chanId: u64String(msg, 'chan_id', where),
    pubkey: hexString(msg, 'pub_key', where, 33),
    amountToForwardMsat: nonNegativeI64(msg, 'amt_to_forward_msat', where),
    feeMsat: nonNegativeI64(msg, 'fee_msat', where),
    expiry: count(msg, 'expiry', where),
  };
}

/** lnrpc.Route → {@link LndRoute}. */
export function toLndRoute(value: unknown, where = 'Route'): LndRoute {
  const msg = message(value, where);
  return {
    totalAmountMsat: nonNegativeI64(msg, 'total_amt_msat', where),
    totalFeesMsat: nonNegativeI64(msg, 'total_fees_msat', where),
    totalTimeLock: count(msg, 'total_time_lock', where),
    hops: messages(msg, 'hops', where).map((h, i) => toHop(h, `${where}.hops[${i}]`)),
  };
}

/** lnrpc.Payment → {@link LndPayment}. */
export function toLndPayment(value: unknown): LndPayment {
  const where = 'Payment';
  const msg = message(value, where);
  const status = enumValue(msg, 'status', where, STATUSES);
  const rawPreimage = str(msg, 'payment_preimage', where);
  const preimage =
    rawPreimage === '' || rawPreimage === ZERO_PREIMAGE ? null : hexString(msg, 'payment_preimage', where, 32);
  if (status === 'SUCCEEDED' && preimage === null)
    throw invalidResponse(`${where}.payment_preimage`, 'a preimage on a SUCCEEDED payment', rawPreimage);
  const reason = enumValue(msg, 'failure_reason', where, PREFIXED_REASONS);
  const creationNs = nonNegativeI64(msg, 'creation_time_ns', where);
  const attempts = messages(msg, 'htlcs', where);
  const succeeded = attempts.findIndex((a) => a['status'] === 'SUCCEEDED');
  let route: LndRoute | null = null;
  if (succeeded >= 0) {
    const attemptWhere = `${where}.htlcs[${succeeded}]`;
    const routeMsg = optionalMessage(attempts[succeeded]!, 'route', attemptWhere);
    route = routeMsg === null ? null : toLndRoute(routeMsg, `${attemptWhere}.route`);
  }
  return {
    paymentHash: hexString(msg, 'payment_hash', where, 32),
    status,
    valueMsat: nonNegativeI64(msg, 'value_msat', where),
    feeMsat: nonNegativeI64(msg, 'fee_msat', where),
    preimage,
    paymentRequest: str(msg, 'payment_request', where),
    failureReason: reason.slice('FAILURE_REASON_'.length) as LndPaymentFailureReason,
    creationDate: new Date(Number(creationNs / 1_000_000n)),
    paymentIndex: u64(msg, 'payment_index', where),
    route,
  };
}

/** lnrpc.ListPaymentsResponse → payments. */
export function toPaymentList(value: unknown): LndPayment[] {
  return messages(message(value, 'ListPaymentsResponse'), 'payments', 'ListPaymentsResponse').map(toLndPayment);
}

/** lnrpc.QueryRoutesResponse → routes. */
export function toRouteList(value: unknown): LndRoute[] {
  const where = 'QueryRoutesResponse';
  return messages(message(value, where), 'routes', where).map((r, i) => toLndRoute(r, `${where}.routes[${i}]`));
}
