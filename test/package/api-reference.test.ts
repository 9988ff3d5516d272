/**
 * The API reference (`npm run docs`, TypeDoc) covers every public entry: typedoc.json's entry points
 * are exactly the sources of package.json `exports` (through tsup's entries, which
 * entries.test.ts ties to `exports`), and undocumented exports fail it. The TypeDoc run itself
 * (≈ 45–80 s on 2 busy cores) is in `.ci/run`, not in `npm test`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { entries } from '../../tsup.config.js';

const root = join(import.meta.dirname, '../..');
const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as {
  entryPoints: string[];
  out: string;
  validation: { notDocumented: boolean };
  treatValidationWarningsAsErrors: boolean;
};

it('documents every package entry, and fails on an undocumented export', () => {
  expect([...typedoc.entryPoints].sort()).toEqual(Object.values(entries).sort());
  expect(typedoc.validation.notDocumented).toBe(true);
  expect(typedoc.treatValidationWarningsAsErrors).toBe(true);
});

it('writes to a git-ignored folder that is not shipped', () => {
  const ignored = readFileSync(join(root, '.gitignore'), 'utf8').split('\n');
  expect(ignored).toContain(`${typedoc.out}/`);
  const files = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] }).files;
  expect(files).not.toContain(typedoc.out);
  expect(files).toEqual(expect.arrayContaining(['docs', 'CHANGELOG.md']));
});
