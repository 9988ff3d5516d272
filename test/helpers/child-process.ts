/**
 * A TypeScript script run as a real child process (node --import tsx), for crash tests that
 * SIGKILL it: its stdout lines, its exit, and a bounded wait for a line. Every child still running
 * when its test file ends is killed (an `afterAll` registered by this module, and a process `exit`
 * hook as a backstop): a child spawned late, such as a spare replica still loading when the test
 * finished, otherwise outlived the run as an orphan.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';
import { waitUntil } from './wait.js';

const running = new Set<ChildProcess>();

/** SIGKILLs every child spawned by {@link spawnTsx} that has not exited. */
export function killChildren(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

afterAll(killChildren);
process.once('exit', killChildren);

/** A running child. */
export interface TsxChild {
  readonly process: ChildProcess;
  /** Every complete stdout line so far. */
  readonly lines: readonly string[];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves with the first line matching `test`, or rejects after `timeoutMs`. */
  waitForLine(test: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
}

/** Starts `script` with `env` added to this process's environment; stderr is printed on a failed exit. */
export function spawnTsx(script: string, env: Record<string, string>): TsxChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      lines.push(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(`child ${script} exited ${code}: ${stderr.slice(-2000)}`);
      resolve(code);
    }),
  );
  return {
    process: child,
    lines,
    exited,
    waitForLine: (test, what, timeoutMs = 60_000) => waitUntil(() => lines.find(test), timeoutMs, what),
  };
}
