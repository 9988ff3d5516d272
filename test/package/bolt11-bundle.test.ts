/**
 * The lnkit/bolt11 entry stays free of storage and gRPC code: a decodeBolt11 + encodeBolt11
 * consumer, bundled, pulls in only src/bolt11/, the error classes, and the curve and hash
 * libraries; the native libsecp256k1 binding is loaded at run time (never bundled).
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'lnkit-bolt11-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lnkit/bolt11 bundle', () => {
  it('bundles only src/bolt11/, the errors and @noble/@scure code: no store, gRPC, SQL or services', async () => {
    const entry = join(dir, 'consumer.ts');
    const target = join(root, 'src/bolt11/index.ts').replace(/\\/g, '/');
    writeFileSync(
      entry,
      `import { decodeBolt11, encodeBolt11 } from '${target}';\nexport const both = [decodeBolt11, encodeBolt11];\n`,
    );
    const result = await build({
      entryPoints: [entry],
      bundle: true,
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
    const foreign = inputs.filter(
      (p) =>
        !p.startsWith('src/bolt11/') &&
        !['src/errors.ts', 'src/lightning-error.ts'].includes(p) &&
        !/^node_modules\/@(noble|scure)\//.test(p) &&
        !p.endsWith('consumer.ts'),
    );
    expect(foreign).toEqual([]);
    const code = Buffer.from(result.outputFiles[0]!.contents).toString();
    for (const banned of ['@grpc', 'kysely', 'better-sqlite3', 'big.js', 'eventemitter3', 'node_modules/pg'])
      expect(code).not.toContain(banned);
    // The binding is required lazily by name, so bundlers leave it out and hosts without it fall back.
    expect(inputs.some((p) => p.includes('node_modules/secp256k1/'))).toBe(false);
  });
});
