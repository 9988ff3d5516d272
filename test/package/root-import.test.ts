/**
 * The root entry stays cheap to import (#15): nothing heavy loads with `import('lnkit')`. The curve
 * library, big.js, eventemitter3, node:crypto and the HTTP stack load on first use instead (first
 * payment check, first decimal, first event bus, first id or signature, first webhook POST). Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const built = existsSync(join(root, 'dist/index.js'));

function loadedBy(script: string): string[] {
  const result = spawnSync(
    process.execPath,
    [
      '--no-warnings',
      '--experimental-loader',
      join(import.meta.dirname, 'record-loader.mjs'),
      '--input-type=module',
      '-e',
      script,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  expect(result.status, result.stderr).toBe(0);
  return result.stderr
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => l.slice(7));
}

const HEAVY = /@noble\/curves|big\.js|eventemitter3|kysely|@grpc|node:https?$|node:dns$|node:crypto$/;

describe('cold import of lnkit', () => {
  it.skipIf(!built)('loads no curve library, big.js, eventemitter3, kysely, gRPC, HTTP stack or node:crypto', () => {
    expect(loadedBy(`await import('lnkit')`).filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it.skipIf(!built)('sees the curve library once lnkit/bolt11 is imported (the check above can see it)', () => {
    const loaded = loadedBy(`const m = await import('lnkit'); m.parseEur('1.00'); await import('lnkit/bolt11');`);
    expect(loaded.some((u) => u.includes('@noble/curves'))).toBe(true);
  });
});
