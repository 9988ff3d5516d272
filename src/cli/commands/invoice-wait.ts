/**
 * `invoice create --wait`: the BOLT11 as text and QR code, then a live countdown until the
 * invoice is paid (resolves) or expires (rejects with exit 1).
 */
import type { Lightning } from '../../create-lightning.js';
import type { Invoice } from '../../domain/invoice.js';
import type { PaymentReceivedEvent } from '../../domain/events.js';
import { CommandFailedError } from '../exit-codes.js';
import { formatDate, formatDuration, formatMsat } from '../output.js';
import { renderQr } from '../qr.js';
import type { Session } from '../session.js';

/** Countdown lines on a non-terminal (one every this many seconds; a terminal gets one a second, in place). */
const PLAIN_COUNTDOWN_EVERY_SECONDS = 10;

function interrupted(): Error {
  const error = new Error('interrupted while waiting for the payment');
  error.name = 'AbortError';
  return error;
}

/**
 * Shows the invoice for payment and waits for `payment.received` for it.
 * @throws {CommandFailedError} when it expires first
 */
export async function waitForPayment(
  session: Session,
  lightning: Lightning,
  invoice: Invoice,
): Promise<PaymentReceivedEvent> {
  const { printer, io } = session;
  // Progress goes to stdout for humans, to stderr with --json (stdout then holds only the result).
  const progress = printer.json ? io.stderr : io.stdout;
  const inPlace = progress.isTTY === true;

  let cleanup = (): void => undefined;
  let startCountdown = (): void => undefined;
  // Subscribe before the request is shown, so that no payment can slip in between.
  const paid = new Promise<PaymentReceivedEvent>((resolve, reject) => {
    const off = lightning.events.on('payment.received', (event) => {
      if (event.invoice?.id === invoice.id || event.payment.invoiceId === invoice.id) resolve(event);
    });
    let tick = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const showCountdown = (): void => {
      const left = (invoice.expiresAt.getTime() - Date.now()) / 1000;
      if (left <= 0) {
        reject(new CommandFailedError(`invoice ${invoice.id} expired unpaid at ${formatDate(invoice.expiresAt)}`));
        return;
      }
      const line = `Waiting for payment of ${formatMsat(invoice.amountMsat)}: expires in ${formatDuration(left)}`;
      if (inPlace) progress.write(`\r${line}\x1b[K`);
      else if (tick % PLAIN_COUNTDOWN_EVERY_SECONDS === 0) progress.write(`${line}\n`);
      tick++;
    };
    const onAbort = (): void => reject(interrupted());
    io.signal?.addEventListener('abort', onAbort, { once: true });
    if (io.signal?.aborted) onAbort();
    startCountdown = () => {
      showCountdown();
      timer = setInterval(showCountdown, 1000);
    };
    cleanup = () => {
      off();
      clearInterval(timer);
      io.signal?.removeEventListener('abort', onAbort);
      if (inPlace) progress.write('\r\x1b[K');
    };
  });

  if (printer.json) {
    io.stderr.write(`${invoice.paymentRequest}\n`);
  } else {
    io.stdout.write(`${invoice.paymentRequest}\n\n${renderQr(invoice.paymentRequest)}\n`);
  }
  startCountdown();
  try {
    return await paid;
  } finally {
    cleanup();
  }
}
