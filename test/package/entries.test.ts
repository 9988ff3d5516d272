/**
 * Package hygiene: package.json `exports`, tsup entries and src/<folder>/index.ts agree; each
 * built entry imports in a fresh Node process; small entries load nothing heavy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entries } from '../../tsup.config.js';

const root = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; default: string } | string>;
  sideEffects: boolean;
  type: string;
};

const exportKeys = Object.keys(pkg.exports).filter((k) => k !== './package.json');
const entryName = (key: string): string => (key === '.' ? 'index' : key.slice(2));

describe('package entries', () => {
  it('is ESM with sideEffects false', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
  });

  it('exports map and tsup entries list the same names', () => {
    expect(exportKeys.map(entryName).sort()).toEqual(Object.keys(entries).sort());
  });

  it.each(exportKeys)('%s: types first, files named after the entry, source has a @module line', (key) => {
    const target = pkg.exports[key] as { types: string; default: string };
    const name = entryName(key);
    expect(Object.keys(target)[0]).toBe('types');
    expect(target.types).toBe(`./dist/${name}.d.ts`);
    expect(target.default).toBe(`./dist/${name}.js`);
    const source = entries[name as keyof typeof entries];
    expect(source.endsWith('index.ts')).toBe(true);
    expect(readFileSync(join(root, source), 'utf8')).toMatch(/@module/);
  });

  const built = existsSync(join(root, 'dist/index.js'));
  it.skipIf(!built).each(exportKeys)('%s imports in a fresh Node process and exports something', (key) => {
    const specifier = key === '.' ? 'lnkit' : `lnkit/${entryName(key)}`;
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import('${specifier}'); console.log(Object.keys(m).length);`],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(Number(out.trim())).toBeGreaterThan(0);
  });

  const loadedBy = (specifier: string): string[] => {
    const result = spawnSync(
      process.execPath,
      [
        '--no-warnings',
        '--experimental-loader',
        join(import.meta.dirname, 'record-loader.mjs'),
        '--input-type=module',
        '-e',
        `await import('${specifier}')`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    return result.stderr
      .split('\n')
      .filter((l) => l.startsWith('LOADED '))
      .map((l) => l.slice(7));
  };

  it.skipIf(!built)('importing lnkit/bolt11 loads neither kysely nor better-sqlite3 nor gRPC (fresh process)', () => {
    const loaded = loadedBy('lnkit/bolt11');
    expect(loaded.some((u) => u.includes('/dist/bolt11.js'))).toBe(true);
    expect(loaded.filter((u) => /kysely|better-sqlite3|@grpc|big\.js|eventemitter3/.test(u))).toEqual([]);
  });

  const PG = /\/node_modules\/(pg|pg-[a-z-]+|pgpass|postgres-[a-z-]+)\//;
  const specifierOf = (key: string): string => (key === '.' ? 'lnkit' : `lnkit/${entryName(key)}`);

  it.skipIf(!built).each(exportKeys.filter((k) => k !== './store-postgres'))(
    'importing %s loads no pg (fresh process)',
    (key) => {
      expect(loadedBy(specifierOf(key)).filter((u) => PG.test(u))).toEqual([]);
    },
  );

  it.skipIf(!built)('importing lnkit/store-postgres loads pg (the check above can see it)', () => {
    expect(loadedBy('lnkit/store-postgres').some((u) => PG.test(u))).toBe(true);
  });

  it.skipIf(!built)('importing lnkit/http loads neither gRPC nor SQLite nor pg (fresh process)', () => {
    const loaded = loadedBy('lnkit/http');
    expect(loaded.some((u) => u.includes('/dist/http.js'))).toBe(true);
    expect(loaded.filter((u) => /kysely|better-sqlite3|@grpc|protobufjs|node_modules\/pg\//.test(u))).toEqual([]);
  });

  it.skipIf(!built)('importing lnkit loads neither gRPC nor SQLite (fresh process)', () => {
    const loaded = loadedBy('lnkit');
    expect(loaded.filter((u) => /kysely|better-sqlite3|@grpc|node_modules\/pg\//.test(u))).toEqual([]);
  });
});
