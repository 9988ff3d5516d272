/**
 * A suite-wide log sink: every line lnkit writes in a test is kept in memory and, when the env var
 * `LNKIT_TEST_LOG_FILE` names a file, appended to it (one JSON object a line) so a vitest
 * `globalSetup` can scan the whole suite's output for secrets at teardown.
 */
import { appendFileSync } from 'node:fs';
import type { LogFields, Logger } from '../../src/logger.js';

/** A {@link Logger} that records each line as JSON text. */
export interface SuiteLogger extends Logger {
  /** Every line written through this logger, oldest first. */
  readonly lines: string[];
}

const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? { name: v.name, message: v.message } : v));

/**
 * Creates a logger that records every line (at every level) and mirrors it to `LNKIT_TEST_LOG_FILE`
 * (read at call time, never at import).
 * @example const logger = createSuiteLogger(); createLightning({ …, logger }); expect(logger.lines.join('\n')).not.toContain(secret);
 */
export function createSuiteLogger(): SuiteLogger {
  const file = process.env.LNKIT_TEST_LOG_FILE;
  const lines: string[] = [];
  const write =
    (level: keyof Logger) =>
    (fields: LogFields, message: string): void => {
      const line = json({ level, message, ...fields });
      lines.push(line);
      if (file) appendFileSync(file, `${line}\n`);
    };
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
