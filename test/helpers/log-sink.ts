/**
 * A suite-wide log sink: every line lnkit writes in a test is kept in memory and, when the env var
 * `LNKIT_TEST_LOG_FILE` names a file, appended to it (one JSON object a line); secrets the tests use
 * are appended to `LNKIT_TEST_SECRETS_FILE`, so the vitest `globalSetup` in `log-scan-setup.ts` can
 * scan the whole suite's output for them at teardown.
 */
import { appendFileSync } from 'node:fs';
import type { LogFields, Logger } from '../../src/logger.js';

/** A {@link Logger} that records each line as JSON text. */
export interface SuiteLogger extends Logger {
  /** Every line written through this logger, oldest first. */
  readonly lines: string[];
}

const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Error ? { name: v.name, message: v.message } : v,
  );

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

/**
 * Records a secret a test uses (a macaroon, preimage, webhook secret, API key) for the suite-wide
 * scan; a no-op unless `LNKIT_TEST_SECRETS_FILE` is set.
 * @example registerSecret('admin macaroon', sim.node('alice').macaroons.admin);
 */
export function registerSecret(name: string, value: string): void {
  const file = process.env.LNKIT_TEST_SECRETS_FILE;
  if (file && value.length >= 8) appendFileSync(file, `${JSON.stringify({ name, value })}\n`);
}

/** Every text form a secret could take in output: as is, hex upper-case, base64 and base64url of hex bytes, a whsec_ key's base64. */
export function secretForms(secret: string): string[] {
  const out = [secret];
  if (/^[0-9a-f]+$/i.test(secret) && secret.length % 2 === 0) {
    const bytes = Buffer.from(secret, 'hex');
    out.push(secret.toUpperCase(), secret.toLowerCase(), bytes.toString('base64'), bytes.toString('base64url'));
  }
  if (secret.startsWith('whsec_')) out.push(secret.slice('whsec_'.length));
  return [...new Set(out)];
}

/** One secret found in one output. */
export interface Leak {
  readonly secret: string;
  readonly where: string;
  readonly excerpt: string;
}

/** Finds every form of every named secret in the outputs (each `{ where, text }`). */
export function findLeaks(
  secrets: ReadonlyMap<string, string>,
  outputs: readonly { readonly where: string; readonly text: string }[],
): Leak[] {
  const leaks: Leak[] = [];
  for (const [name, secret] of secrets) {
    for (const form of secretForms(secret)) {
      for (const { where, text } of outputs) {
        const at = text.indexOf(form);
        // The excerpt masks the secret itself so the failure message does not print it.
        if (at >= 0)
          leaks.push({
            secret: name,
            where,
            excerpt: text
              .slice(Math.max(0, at - 120), at + 120)
              .split(form)
              .join('<SECRET>'),
          });
      }
    }
  }
  return leaks;
}
