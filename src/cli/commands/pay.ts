/**
 * `lnkit pay <request>`: pays a BOLT11 request once, with a fee cap.
 */
import type { Command } from 'commander';
import { decodeBolt11 } from '../../bolt11/decode.js';
import type { Payment } from '../../domain/payment.js';
import { CommandFailedError } from '../exit-codes.js';
import { formatDate, formatKeyValues, formatMsat } from '../output.js';
import type { CommandRunner } from '../run-command.js';
import type { Session } from '../session.js';

interface PayOptions {
  readonly maxFeeSat?: string;
  readonly maxFeePpm?: string;
  readonly amountSat?: string;
  readonly payTimeout?: string;
}

/** One payment as key/values. */
export function formatPayment(payment: Payment): string {
  return formatKeyValues([
    ['ID', payment.id],
    ['Status', payment.failureReason ? `${payment.status} (${payment.failureReason})` : payment.status],
    ['Amount', formatMsat(payment.amountMsat)],
    ['Fee', formatMsat(payment.feeMsat)],
    ['Fee limit', payment.feeLimitMsat === null ? '-' : formatMsat(payment.feeLimitMsat)],
    ['Payment hash', payment.paymentHash],
    ['Preimage', payment.preimage ?? '-'],
    ['Created', formatDate(payment.createdAt)],
    ['Completed', formatDate(payment.completedAt)],
  ]);
}

/** The succeeded outgoing payment already stored for `request`'s payment hash, if any. */
async function paidBefore(session: Session, request: string): Promise<Payment | undefined> {
  let paymentHash: string;
  try {
    paymentHash = decodeBolt11(request.replace(/^lightning:/i, '').trim()).paymentHash;
  } catch {
    return undefined; // payments.pay reports the bad request
  }
  const found = await (await session.store()).payments.getByPaymentHash(paymentHash, 'out');
  return found?.status === 'succeeded' ? found : undefined;
}

function alreadyPaid(payment: Payment): string {
  return `Already paid at ${formatDate(payment.completedAt)}: nothing was sent this time.\n` + formatPayment(payment);
}

/** Adds `pay` to `program`. */
export function registerPay(program: Command, run: CommandRunner): void {
  program
    .command('pay')
    .description('pay a BOLT11 payment request (never twice: a second run returns the first payment)')
    .argument('<request>', 'the BOLT11 payment request (a lightning: prefix is accepted)')
    .option('--max-fee-sat <sat>', 'cap on the routing fee in sats')
    .option('--max-fee-ppm <ppm>', 'cap on the routing fee in millionths of the amount')
    .option('--amount-sat <sat>', 'amount in sats, for a zero-amount request')
    .option('--pay-timeout <seconds>', 'how long LND may look for a route (default 60)')
    .action(
      run(async (session, request: string, options: PayOptions) => {
        const { payments } = await session.lightning();
        const before = await paidBefore(session, request);
        const payment = await payments.pay({
          request,
          ...(options.maxFeeSat === undefined ? {} : { maxFeeSat: options.maxFeeSat }),
          ...(options.maxFeePpm === undefined ? {} : { maxFeePpm: Number(options.maxFeePpm) }),
          ...(options.amountSat === undefined ? {} : { amountSat: options.amountSat }),
          ...(options.payTimeout === undefined ? {} : { timeoutSeconds: Number(options.payTimeout) }),
        });
        if (before && payment.id === before.id && payment.status === 'succeeded') {
          // pay() returned the stored payment: nothing was sent this time. Say so, not "Status succeeded".
          session.printer.result({ ...payment, alreadyPaid: true }, () => alreadyPaid(payment));
          return;
        }
        session.printer.result(payment, () => formatPayment(payment));
        if (payment.status === 'failed')
          throw new CommandFailedError(`payment failed: ${payment.failureReason ?? 'unknown reason'}`);
        if (payment.status !== 'succeeded')
          throw new CommandFailedError(
            `payment is ${payment.status}: its outcome is not known yet; lnkit keeps tracking it`,
          );
      }),
    );
}
