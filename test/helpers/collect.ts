/**
 * Collects events and log lines of a lightning instance for assertions.
 */
import { appendFileSync } from 'node:fs';
import type { LightningEventName, LightningEvents } from '../../src/domain/events.js';
import type { LogFields, Logger } from '../../src/logger.js';

/**
 * A logger that keeps every line (after lnkit's redaction) as JSON text, and appends it to the
 * suite-wide log that test/helpers/log-scan-setup.ts scans for secrets at the end of the run.
 */
export function createCollectingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (fields: LogFields, message: string) => {
    const line = JSON.stringify({ level, message, ...fields }, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    lines.push(line);
    const sink = process.env.LNKIT_TEST_LOG_FILE;
    if (sink) appendFileSync(sink, `${line}\n`);
  };
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Records every payload of the named events, in order. */
export function recordEvents<K extends LightningEventName>(
  events: { on<N extends LightningEventName>(name: N, fn: (p: LightningEvents[N]) => void): () => void },
  names: readonly K[],
): { name: K; payload: LightningEvents[K] }[] {
  const seen: { name: K; payload: LightningEvents[K] }[] = [];
  for (const name of names) events.on(name, (payload) => void seen.push({ name, payload }));
  return seen;
}
