/**
 * Runs a bench script in a new Node process with this one's Node options (--expose-gc, tsx), its
 * output going to ours, and returns the JSON it wrote to the file it was given.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `args(out)` builds the script's arguments around `out`, the file it must write its JSON to. */
export function runInNewProcess<T>(script: string, args: (out: string) => readonly string[], label: string): T {
  const dir = mkdtempSync(join(tmpdir(), 'lnkit-bench-process-'));
  const out = join(dir, 'result.json');
  try {
    const run = spawnSync(process.execPath, [...process.execArgv, script, ...args(out)], { stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`${label} exited with ${run.status ?? run.signal}`);
    return JSON.parse(readFileSync(out, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
