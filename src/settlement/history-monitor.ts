/**
 * What `health()` says about LND's history: a reset shows as `lnd_history` unhealthy (degraded) until
 * lnkit has healed it (reconciled the new history from the start) or the host acknowledges it.
 */
import type { LndHistoryResetEvent } from '../domain/events.js';

/** The state behind the `lnd_history` health check. */
export interface HistoryMonitor {
  /** A reset was detected; healing starts. */
  onReset(event: LndHistoryResetEvent): void;
  /** The new history was reconciled from the start. */
  onHealed(): void;
  /** The host has seen it. @returns true when there was a reset to acknowledge */
  acknowledge(): boolean;
  /** The last reset, healed or not; null when none was seen by this process. */
  readonly lastReset: LndHistoryResetEvent | null;
  /** For the health check. */
  status(): { readonly healthy: boolean; readonly detail: string };
}

const pair = (i: { addIndex: bigint; settleIndex: bigint }): string => `add ${i.addIndex}, settle ${i.settleIndex}`;

/** Creates the monitor. */
export function createHistoryMonitor(): HistoryMonitor {
  let last: LndHistoryResetEvent | null = null;
  let healed = false;
  let acknowledged = false;
  return {
    onReset(event) {
      last = event;
      healed = false;
      acknowledged = false;
    },
    onHealed() {
      if (last) healed = true;
    },
    acknowledge() {
      if (!last) return false;
      acknowledged = true;
      return true;
    },
    get lastReset() {
      return last;
    },
    status() {
      if (!last) return { healthy: true, detail: 'the history the store recorded' };
      const what = `history reset at ${last.at.toISOString()} (store ${pair(last.previous)}; LND ${pair(last.current)})`;
      if (healed) return { healthy: true, detail: `${what}, healed: the new history was reconciled from the start` };
      if (acknowledged) return { healthy: true, detail: `${what}, acknowledged; healing` };
      return { healthy: false, detail: `${what}: ${last.reason}; healing` };
    },
  };
}
