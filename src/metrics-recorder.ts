/**
 * The internal face of metrics: services count and observe through it.
 */

/** Counter names from the original design. */
export type CounterName =
  | 'invoices_created'
  | 'payments_received'
  | 'payments_sent'
  | 'payments_failed'
  | 'lnd_connection_errors'
  | 'rate_provider_errors'
  | 'webhook_delivery_attempts'
  | 'webhook_delivery_success';

/** What services call to record metrics. */
export interface MetricsRecorder {
  increment(name: CounterName, by?: number): void;
  observeLndCall(method: string, seconds: number, ok: boolean): void;
  setGauge(name: string, value: number, labels?: Record<string, string>): void;
}

/** A recorder that keeps nothing. */
export const noopMetrics: MetricsRecorder = {
  increment() {},
  observeLndCall() {},
  setGauge() {},
};
