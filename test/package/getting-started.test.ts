/**
 * docs/getting-started.md, section 1, runs as written: the first TypeScript block is extracted,
 * run with tsx against the built package (`lnkit` resolves to dist through the package's
 * self-reference), and must print the invoice and bob's payment, and exit by itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from './consumer-project.js';

/** tsx's loader (`--import tsx` would resolve from the temporary working directory). */
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const built = existsSync(join(ROOT, 'dist/index.js'));
if (!built) {
  if (process.env.CI === 'true') throw new Error('dist/ is missing: npm test builds before the tests');
  console.log('[getting-started] skipped: dist/ is not built (run `npm run build`; `npm test` does)');
}

// Inside the package, not under node_modules (so that `lnkit` self-resolves); git-ignored.
const scriptDir = join(ROOT, 'test/package/.generated');
const cwd = mkdtempSync(join(tmpdir(), 'lnkit-getting-started-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

it.skipIf(!built)('getting-started section 1 runs to completion and exits', () => {
  const doc = readFileSync(join(ROOT, 'docs/getting-started.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## 1.'), doc.indexOf('## 2.'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block, 'a ts block in section 1').toBeDefined();
  mkdirSync(scriptDir, { recursive: true });
  const script = join(scriptDir, `getting-started-${process.pid}.mts`);
  writeFileSync(script, block!);
  try {
    const run = spawnSync(process.execPath, ['--import', TSX, script], {
      cwd,
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(run.error, 'it exits by itself within 50 s').toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe(''); // no warning either
    expect(run.stdout).toMatch(/^lnbcrt[0-9a-z]+ 22806000n$/m);
    expect(run.stdout).toMatch(/^succeeded 22806000n$/m);
  } finally {
    rmSync(script, { force: true });
  }
});
