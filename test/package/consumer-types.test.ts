/**
 * Types in a consumer project: the packed tarball in a fresh app (only lnkit and what npm installs
 * with it), compiled strict with `skipLibCheck` false and true. Wrong uses are marked
 * `@ts-expect-error`, so a type that silently became `any` (a missing `@types/…` package) fails the
 * compile as an unused directive, and `skipLibCheck: false` fails on any unresolved import in dist.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumerProject, ROOT, typecheckAll, type ConsumerProject } from './consumer-project.js';

const built = existsSync(join(ROOT, 'dist/index.d.ts'));
if (!built) {
  if (process.env.CI === 'true') throw new Error('dist/ is missing: npm test builds before the tests');
  console.log('[consumer-types] skipped: dist/ is not built (run `npm run build`; `npm test` does)');
}

const APP = `
import { createLightning, isLightningError, type Invoice, type Payment } from 'lnkit';
import { createLndClient } from 'lnkit/lnd';
import { createSqliteStore } from 'lnkit/store-sqlite';
import { createPostgresStore } from 'lnkit/store-postgres';
import { createFixedRates, createMemoryStore } from 'lnkit/testing';
import { createRateProvider, createKrakenSource } from 'lnkit/rates';
import { verifyWebhook } from 'lnkit/webhooks';
import { decodeBolt11 } from 'lnkit/bolt11';

export function price(invoice: Invoice): string {
  const eur: string = invoice.amountEur ? invoice.amountEur.toFixed(2) : '-';
  const msat: bigint = invoice.amountMsat;
  // @ts-expect-error amountEur is a big.js Decimal (or null), never a number
  const asNumber: number = invoice.amountEur;
  // @ts-expect-error no such method on a big.js Decimal
  invoice.amountEur?.toFixedd(2);
  // @ts-expect-error amountMsat is a bigint
  const msatNumber: number = invoice.amountMsat;
  return \`\${eur} \${msat} \${asNumber} \${msatNumber}\`;
}

export async function wire(payment: Payment): Promise<void> {
  const lightning = createLightning({
    lnd: createLndClient({ socket: 'localhost:10009', cert: 'tls.cert', macaroon: 'admin.macaroon' }),
    rates: createRateProvider({ sources: [createKrakenSource()] }),
    store: createSqliteStore({ filename: 'lnkit.db' }),
  });
  // @ts-expect-error the database must be a better-sqlite3 Database
  createSqliteStore({ database: 42 });
  // @ts-expect-error a pool needs connect, query and end
  createPostgresStore({ pool: {} });
  createLightning({ lnd: createLndClient({ lndconnect: 'lndconnect://h:1?macaroon=AA' }), rates: createFixedRates('90000'), store: createMemoryStore() });
  const created = await lightning.invoices.create({ amountEur: '19.99', description: 'Order 42' });
  // @ts-expect-error amountEur takes a string, number or Decimal
  await lightning.invoices.create({ amountEur: true, description: 'x' });
  const fee: bigint = payment.feeMsat;
  const hash: string = decodeBolt11(created.paymentRequest).paymentHash;
  const event = verifyWebhook({ body: '{}', headers: {}, secret: 'whsec_x' });
  const type: string = event.type;
  try {
    await lightning.start();
  } catch (error) {
    if (isLightningError(error)) {
      const code: string = error.code;
      // @ts-expect-error code is a string
      const n: number = error.code;
      void [code, n];
    }
  }
  void [fee, hash, type];
}
`;

/** What \`tsc --init\` (TypeScript 5.9) sets, strict. */
const INIT = { target: 'es2022', module: 'nodenext', strict: true, esModuleInterop: true, types: [] };

describe.skipIf(!built)('a consumer project compiles against the packed tarball', () => {
  let project: ConsumerProject;
  let withoutBigJsTypes: ConsumerProject;
  let errors: { skipLibCheck: string[]; libCheck: string[]; withoutBigJsTypes: string[] };
  beforeAll(async () => {
    project = createConsumerProject();
    // The same app where @types/big.js is not installed (a devDependency of lnkit, as it was before).
    withoutBigJsTypes = project.clone(['@types/big.js']);
    const files = { 'app.ts': APP };
    // The three compiles in one tsc process.
    const [skip, check, without] = await typecheckAll([
      { project, name: 'skip-lib-check', files, compilerOptions: { ...INIT, skipLibCheck: true } },
      { project, name: 'lib-check', files, compilerOptions: { ...INIT, skipLibCheck: false } },
      { project: withoutBigJsTypes, name: 'lib-check', files, compilerOptions: { ...INIT, skipLibCheck: false } },
    ]);
    errors = { skipLibCheck: skip!, libCheck: check!, withoutBigJsTypes: without! };
  }, 120_000);
  afterAll(() => {
    project?.remove();
    withoutBigJsTypes?.remove();
  });

  it('installs the type packages the public types need, and no devDependency', () => {
    expect(project.installed).toEqual(expect.arrayContaining(['@types/big.js', '@types/better-sqlite3']));
    expect(project.installed).not.toContain('typescript');
    expect(project.installed).not.toContain('vitest');
    expect(withoutBigJsTypes.installed).not.toContain('@types/big.js');
  });

  it('strict, skipLibCheck true: no error but the expected ones', () => {
    expect(errors.skipLibCheck).toEqual([]);
  });

  it('strict, skipLibCheck false: no error but the expected ones', () => {
    expect(errors.libCheck).toEqual([]);
  });

  it('without @types/big.js (a devDependency, as before) the test fails: any slips through, TS7016 in dist', () => {
    const text = errors.withoutBigJsTypes.join('\n');
    expect(text).toMatch(/TS2578: Unused '@ts-expect-error' directive/);
    expect(text).toMatch(/TS7016: Could not find a declaration file for module 'big\.js'/);
  });
});
