#!/usr/bin/env node
/**
 * The `lnkit` executable (package.json `bin`): runs the CLI on process.argv and sets the exit code.
 */
import { runCli } from './program.js';

/** Runs the CLI for this process; SIGINT/SIGTERM abort long waits (`invoice create --wait`, `sim`). */
export async function main(): Promise<void> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exitCode = code;
  // Everything is closed by now; if a stray handle still holds the loop, do not hang the shell.
  setTimeout(() => process.exit(code), 2_000).unref();
}

void main();
