/**
 * Docs that compile: every ```ts block of README.md and docs/*.md becomes a module of a consumer
 * project built around the packed tarball (test/package/consumer-project.ts), and all of them are
 * compiled strict in one tsc run. A failure names the doc file and line.
 *
 * Blocks are snippets of an app, so the names they take as given (`lightning`, `config`, the app's
 * own `orders`, `queue`, …) are declared once in CONTEXT below, with lnkit's real types. A block that
 * cannot compile by nature (an abridged interface, pseudo-code) carries
 * `<!-- not-checked: reason -->` on the line above it; keep those few. Third-party frameworks that
 * are not installed here (pino) are declared as untyped modules, so what the block does with lnkit
 * is still checked.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumerProject, ROOT, type ConsumerProject } from './consumer-project.js';

const built = existsSync(join(ROOT, 'dist/index.d.ts'));
if (!built) {
  if (process.env.CI === 'true') throw new Error('dist/ is missing: npm test builds before the tests');
  console.log('[docs-typecheck] skipped: dist/ is not built (run `npm run build`; `npm test` does)');
}

/** A ```ts block: where it is, and its text. */
export interface DocBlock {
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
  /** The reason given by `<!-- not-checked: reason -->` right above the fence, if any. */
  readonly notChecked?: string;
}

/** The ```ts blocks of a markdown text. */
export function extractTsBlocks(doc: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    let above = start - 1;
    while (above >= 0 && lines[above]!.trim() === '') above--;
    const marker = above >= 0 ? /^<!--\s*not-checked:\s*(.*?)\s*-->$/.exec(lines[above]!.trim()) : null;
    blocks.push({ doc, line: start + 1, code: body.join('\n'), ...(marker ? { notChecked: marker[1] } : {}) });
  }
  return blocks;
}

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

/** The names the docs' snippets take as given, typed as lnkit types them. */
const CONTEXT = `
import type { Invoice, Lightning, LightningConfig, Payment, Store } from 'lnkit';
import type { LndClient } from 'lnkit/lnd';
import type { RateProvider } from 'lnkit/rates';
import type { VerifiedWebhook } from 'lnkit/webhooks';
import type { Response } from 'express';
import type * as http from 'node:http';

declare global {
  /** The app's lnkit, created as in docs/getting-started.md, and what it was created from. */
  const lightning: Lightning;
  const config: LightningConfig;
  const lnd: LndClient;
  const rates: RateProvider;
  const store: Store;
  const invoice: Invoice;
  const payment: Payment;
  /** The app's own code, which the snippets call. */
  const orders: { markPaid(metadata: unknown, amountMsat: bigint): Promise<void> };
  const queue: { push(event: VerifiedWebhook): void | Promise<void> };
  function enqueue(event: VerifiedWebhook): Promise<void>;
  function markOrderPaid(metadata: unknown): void;
  function ship(invoiceId: string): Promise<void>;
  function canServe(invoice: Invoice): Promise<boolean>;
  function fulfilOrder(data: unknown): Promise<void>;
  function alertOps(message: string): void;
  /** The Express response being written. */
  const res: Response;
  /** A webhook request as the receiver got it. */
  const body: string;
  const headers: http.IncomingHttpHeaders;
  const secret: string;
  const endpointId: string;
  const redis: { set(...args: unknown[]): Promise<string | null>; del(key: string): Promise<number> };
}
`;

/** The reader's own modules that the custom-store and custom-rates docs import. */
const OWN_MODULES = {
  'blocks/my-store.ts': `import type { Store } from 'lnkit';
export declare function createMyStore(database?: unknown): Store;
export declare function freshDatabase(): Promise<unknown>;
`,
  'blocks/my-rates.ts': `import type { RateProvider } from 'lnkit/rates';
export declare function createMyRates(options?: { clock?: () => number }): RateProvider;
`,
};

/** Frameworks the docs show that this package does not install: untyped, so only lnkit's side is checked. */
const UNTYPED_MODULES = `declare module 'pino';\n`;

/** What `tsc --init` (TypeScript 5.9) sets, strict, plus Node's types (an app has @types/node). */
const OPTIONS = {
  target: 'es2022',
  module: 'nodenext',
  lib: ['es2023', 'esnext.disposable'],
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  types: ['node'],
};

const blocks = DOCS.flatMap((doc) => extractTsBlocks(doc, readFileSync(join(ROOT, doc), 'utf8')));
const fileOf = (block: DocBlock) => `blocks/${block.doc.replace(/[/.]/g, '_')}_L${block.line}.ts`;

describe('extractTsBlocks', () => {
  it('finds ts blocks with their fence line, and the not-checked marker above one', () => {
    const md = [
      '# t',
      '```ts',
      'a();',
      '```',
      '',
      '<!-- not-checked: abridged -->',
      '',
      '```ts',
      'b;',
      '```',
      '```js',
      'c',
      '```',
    ];
    expect(extractTsBlocks('x.md', md.join('\n'))).toEqual([
      { doc: 'x.md', line: 2, code: 'a();' },
      { doc: 'x.md', line: 8, code: 'b;', notChecked: 'abridged' },
    ]);
  });

  it('finds the blocks of every doc, and few not-checked, each with a reason', () => {
    expect(blocks.length).toBeGreaterThan(40);
    const skipped = blocks.filter((block) => block.notChecked !== undefined);
    expect(skipped.length).toBeLessThanOrEqual(5);
    for (const block of skipped) expect(block.notChecked, `${block.doc}:${block.line}`).not.toBe('');
  });
});

describe.skipIf(!built)('every ts block of README.md and docs/ compiles against the packed package', () => {
  let project: ConsumerProject;
  beforeAll(() => {
    // What an app using those docs installs beside lnkit.
    project = createConsumerProject(['@types/node', 'express', '@types/express', '@types/pg', 'prom-client', 'vitest']);
  }, 60_000);
  afterAll(() => project?.remove());

  it('compiles strict, in one tsc run; an error names the doc and line', async () => {
    const checked = blocks.filter((block) => block.notChecked === undefined);
    const files: Record<string, string> = {
      'context.d.ts': CONTEXT,
      'untyped-modules.d.ts': UNTYPED_MODULES,
      ...OWN_MODULES,
    };
    // Each block is a module of its own (`export {}`), so that top-level await and names are its own.
    for (const block of checked) files[fileOf(block)] = `${block.code}\nexport {};\n`;
    const errors = await project.typecheck(files, OPTIONS);
    const located = errors.map((line) => {
      const match = /^(blocks\/\S+?\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
      const block = match && checked.find((candidate) => fileOf(candidate) === match[1]);
      return block ? `${block.doc}:${block.line + Number(match[2])}:${match[3]} ${match[4]}` : line;
    });
    expect(located).toEqual([]);
  }, 120_000);

  it('every relative link of README.md and docs/ resolves inside the installed package', () => {
    const installed = join(project.dir, 'node_modules/lnkit');
    const broken: string[] = [];
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const path = target!.split('#')[0]!;
        if (path === '' || /^[a-z]+:/i.test(path)) continue; // an anchor, or an absolute URL
        if (!existsSync(join(installed, dirname(doc), path))) broken.push(`${doc}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
