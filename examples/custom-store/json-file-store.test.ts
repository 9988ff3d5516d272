import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeConformanceCases } from 'lnkit/testing';
import { createJsonFileStore } from './json-file-store.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lnkit-json-store-'));
let n = 0;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('createJsonFileStore (a custom adapter)', () => {
  for (const c of storeConformanceCases)
    it(c.name, () => c.run(async () => createJsonFileStore(path.join(dir, `s${++n}.json`))));

  it('reloads its data from the file', async () => {
    const file = path.join(dir, 'reload.json');
    const first = createJsonFileStore(file);
    await first.checkpoints.advance('lnd.settle_index', 2_099_999_999_999_999_999n);
    await first.close();
    const second = createJsonFileStore(file);
    expect(await second.checkpoints.get('lnd.settle_index')).toBe(2_099_999_999_999_999_999n);
    await second.close();
  });
});
