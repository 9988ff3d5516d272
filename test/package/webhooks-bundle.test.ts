/**
 * The lnkit/webhooks entry must stay tiny and self-contained: a one-line verifyWebhook consumer,
 * bundled and minified, pulls in only src/webhooks/ and the error base, and stays ≤ 3 KB gzipped.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'lnkit-webhooks-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lnkit/webhooks bundle', () => {
  it('a verifyWebhook consumer bundles only src/webhooks/ and the error base, ≤ 3 KB gzipped', async () => {
    const entry = join(dir, 'consumer.ts');
    const target = join(root, 'src/webhooks/index.ts').replace(/\\/g, '/');
    writeFileSync(
      entry,
      `import { verifyWebhook } from '${target}';\nexport const check = (b: Uint8Array, h: Record<string, string>, s: string) => verifyWebhook({ body: b, headers: h, secret: s });\n`,
    );
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
    const foreign = inputs.filter(
      (p) => !p.startsWith('src/webhooks/') && p !== 'src/lightning-error.ts' && !p.endsWith('consumer.ts'),
    );
    expect(foreign).toEqual([]);
    expect(inputs.some((p) => p.startsWith('node_modules/'))).toBe(false);
    const code = result.outputFiles[0]!.contents;
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(
      `lnkit/webhooks verifyWebhook consumer: ${code.length} B minified, ${gzipped} B gzipped (budget 3072 B); inputs: ${inputs.join(', ')}`,
    );
    expect(gzipped).toBeLessThanOrEqual(3072);
    for (const banned of ['grpc', 'kysely', 'big.js', 'eventemitter3'])
      expect(Buffer.from(code).toString()).not.toContain(banned);
  });
});
