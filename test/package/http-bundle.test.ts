/**
 * The lnkit/http entry must stay free of the heavy parts: a consumer of every export, bundled by
 * esbuild, pulls in no store (SQLite, PostgreSQL, kysely), no gRPC and no LND adapter.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'lnkit-http-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lnkit/http bundle', () => {
  it('bundles no store, no gRPC, no LND adapter', async () => {
    const entry = join(dir, 'consumer.ts');
    const target = join(root, 'src/http/index.ts').replace(/\\/g, '/');
    writeFileSync(entry, `export * from '${target}';\n`);
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) =>
      relative(root, resolve(process.cwd(), p)).replace(/\\/g, '/'),
    );
    const banned = inputs.filter((p) =>
      /^src\/(store|lnd|settlement|invoices|payments|webhooks|testing|cli)\/|node_modules\/(@grpc|protobufjs|kysely|better-sqlite3|pg|pg-[a-z-]+)\//.test(
        p,
      ),
    );
    expect(banned).toEqual([]);
    expect(inputs.some((p) => p.startsWith('src/http/'))).toBe(true);
    const gzipped = gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
    console.log(
      `lnkit/http bundle: ${gzipped} B gzipped; node_modules: ${[...new Set(inputs.filter((p) => p.startsWith('node_modules/')).map((p) => p.split('/').slice(1, 2).join('/')))].join(', ')}`,
    );
  });
});
