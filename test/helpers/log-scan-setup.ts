/**
 * Vitest `globalSetup` for the suite-wide redaction check: points `LNKIT_TEST_LOG_FILE` and
 * `LNKIT_TEST_SECRETS_FILE` at fresh files before any test runs (workers inherit the env), and at
 * teardown fails the run if any line written through `createSuiteLogger()` carries a secret
 * registered with `registerSecret()`, or anything that looks like a macaroon or a whsec_ secret.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLeaks } from './log-sink.js';

/** Secrets with a recognisable shape, caught even when no test registered them. */
const SHAPES: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'macaroon-like hex', pattern: /\b020[13][0-9a-f]{40,}/i },
  { name: 'webhook secret', pattern: /whsec_[A-Za-z0-9+/]{16,}/ },
];

const readLines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

/** Sets the env for the workers; returns the teardown that scans what they wrote. */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'lnkit-suite-log-'));
  const logFile = join(dir, 'log.jsonl');
  const secretsFile = join(dir, 'secrets.jsonl');
  writeFileSync(logFile, '');
  writeFileSync(secretsFile, '');
  process.env.LNKIT_TEST_LOG_FILE = logFile;
  process.env.LNKIT_TEST_SECRETS_FILE = secretsFile;
  return () => {
    const lines = readLines(logFile);
    const secrets = new Map<string, string>();
    for (const [i, line] of readLines(secretsFile).entries()) {
      const { name, value } = JSON.parse(line) as { name: string; value: string };
      secrets.set(`${name} #${i}`, value);
    }
    const outputs = lines.map((text, i) => ({ where: `log line ${i + 1}`, text }));
    const leaks = findLeaks(secrets, outputs).map((l) => `${l.secret} in ${l.where}: …${l.excerpt}…`);
    for (const { where, text } of outputs) {
      for (const { name, pattern } of SHAPES) if (pattern.test(text)) leaks.push(`${name} in ${where}`);
    }
    rmSync(dir, { recursive: true, force: true });
    console.log(
      `suite log scan: ${lines.length} log lines, ${secrets.size} registered secrets → ${leaks.length} leaks`,
    );
    if (leaks.length > 0) throw new Error(`secrets in the suite's log output:\n${leaks.slice(0, 20).join('\n')}`);
  };
}
