/**
 * Wraps an LndClient so every unary call's latency lands in the metrics histogram.
 */
import type { LndClient } from '../lnd/lnd-client.js';
import type { MetricsRecorder } from '../metrics-recorder.js';

const UNARY = [
  'getInfo',
  'addInvoice',
  'addHoldInvoice',
  'settleInvoice',
  'cancelInvoice',
  'lookupInvoice',
  'listInvoices',
  'listChannels',
  'channelBalance',
  'decodePayReq',
  'listPayments',
  'queryRoutes',
] as const satisfies readonly (keyof LndClient)[];

/** Returns an LndClient that records `observeLndCall` for each unary call; streams pass through. */
export function instrumentLnd(
  lnd: LndClient,
  metrics: MetricsRecorder,
): LndClient & { readonly circuitState?: string } {
  const timed =
    <A extends unknown[], R>(method: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      let ok = false;
      try {
        const result = await fn(...args);
        ok = true;
        return result;
      } finally {
        metrics.observeLndCall(method, (performance.now() - started) / 1000, ok);
      }
    };
  const wrapped: Record<string, unknown> = {
    subscribeInvoices: (input: Parameters<LndClient['subscribeInvoices']>[0]) => lnd.subscribeInvoices(input),
    subscribeSingleInvoice: (input: Parameters<LndClient['subscribeSingleInvoice']>[0]) =>
      lnd.subscribeSingleInvoice(input),
    sendPayment: (input: Parameters<LndClient['sendPayment']>[0]) => lnd.sendPayment(input),
    trackPayment: (input: Parameters<LndClient['trackPayment']>[0]) => lnd.trackPayment(input),
    close: () => lnd.close(),
  };
  for (const name of UNARY) {
    const fn = lnd[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = timed(name, (...args: unknown[]) => fn.apply(lnd, args));
  }
  Object.defineProperty(wrapped, 'circuitState', {
    get: () => (lnd as { circuitState?: string }).circuitState,
    enumerable: true,
  });
  return wrapped as unknown as LndClient & { readonly circuitState?: string };
}
