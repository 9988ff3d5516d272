import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MacaroonError,
  bakeMacaroon,
  decodeIdentifier,
  parseMacaroon,
  serializeMacaroon,
  verifyMacaroon,
} from './macaroons.js';
import { MACAROON_OPS, RPC_PERMISSIONS } from './permissions.js';

const rootKey = new Uint8Array(randomBytes(32));
const hexOf = (kind: 'admin' | 'invoice' | 'readonly', key = rootKey): string =>
  Buffer.from(serializeMacaroon(bakeMacaroon(key, MACAROON_OPS[kind]))).toString('hex');
const perm = (path: string) => RPC_PERMISSIONS[path] ?? [];

function failure(fn: () => void): { code: number; details: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof MacaroonError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a MacaroonError');
}

describe('macaroons', () => {
  it('round-trips the v2 binary format', () => {
    const baked = bakeMacaroon(rootKey, MACAROON_OPS.invoice, ['time-before 2099-01-01T00:00:00Z']);
    const bytes = serializeMacaroon(baked);
    expect(bytes[0]).toBe(2);
    const parsed = parseMacaroon(bytes);
    expect(parsed.location).toBe('lnd');
    expect(parsed.caveats).toEqual(['time-before 2099-01-01T00:00:00Z']);
    expect(Buffer.from(parsed.signature)).toEqual(Buffer.from(baked.signature));
    expect(decodeIdentifier(parsed.identifier)).toEqual(
      MACAROON_OPS.invoice.map((op) => ({ ...op, actions: [...op.actions] })),
    );
  });

  it('matches the known HMAC chain', () => {
    // sig = HMAC(HMAC("macaroons-key-generator", rootKey), id), computed independently here.
    const key = new Uint8Array(32).fill(7);
    const baked = bakeMacaroon(key, MACAROON_OPS.readonly);
    const derived = createHmac('sha256', 'macaroons-key-generator').update(key).digest();
    const expected = createHmac('sha256', derived).update(baked.identifier).digest();
    expect(Buffer.from(baked.signature)).toEqual(expected);
  });

  it('accepts the admin macaroon for every simulated RPC', () => {
    for (const path of Object.keys(RPC_PERMISSIONS))
      expect(() => verifyMacaroon([hexOf('admin')], rootKey, perm(path))).not.toThrow();
  });

  it.each([
    ['no macaroon', [], '/lnrpc.Lightning/GetInfo', 'expected 1 macaroon, got 0'],
    ['two macaroons', ['admin', 'admin'], '/lnrpc.Lightning/GetInfo', 'expected 1 macaroon, got 2'],
    ['readonly AddInvoice', ['readonly'], '/lnrpc.Lightning/AddInvoice', 'permission denied'],
    ['invoice GetInfo', ['invoice'], '/lnrpc.Lightning/GetInfo', 'permission denied'],
    ['invoice DecodePayReq', ['invoice'], '/lnrpc.Lightning/DecodePayReq', 'permission denied'],
    ['readonly LookupInvoiceV2', ['readonly'], '/invoicesrpc.Invoices/LookupInvoiceV2', 'permission denied'],
    ['readonly SendPaymentV2', ['readonly'], '/routerrpc.Router/SendPaymentV2', 'permission denied'],
  ] as const)('%s → code 2 %s', (_name, kinds, path, details) => {
    const values = kinds.map((kind) => hexOf(kind));
    expect(failure(() => verifyMacaroon(values, rootKey, perm(path)))).toEqual({ code: 2, details });
  });

  it('lets the invoice macaroon create and read invoices', () => {
    expect(() => verifyMacaroon([hexOf('invoice')], rootKey, perm('/lnrpc.Lightning/AddInvoice'))).not.toThrow();
    expect(() => verifyMacaroon([hexOf('readonly')], rootKey, perm('/lnrpc.Lightning/ListInvoices'))).not.toThrow();
  });

  it('rejects a macaroon of another root key and a forged one', () => {
    const mismatch = { code: 2, details: 'verification failed: signature mismatch after caveat verification' };
    const other = hexOf('admin', new Uint8Array(randomBytes(32)));
    expect(failure(() => verifyMacaroon([other], rootKey, perm('/lnrpc.Lightning/GetInfo')))).toEqual(mismatch);
    // Escalate readonly to admin ops while keeping the readonly signature.
    const readonly = parseMacaroon(Buffer.from(hexOf('readonly'), 'hex'));
    const forged = serializeMacaroon({ ...readonly, identifier: bakeMacaroon(rootKey, MACAROON_OPS.admin).identifier });
    expect(
      failure(() =>
        verifyMacaroon([Buffer.from(forged).toString('hex')], rootKey, perm('/lnrpc.Lightning/AddInvoice')),
      ),
    ).toEqual(mismatch);
    // Dropping a caveat breaks the chain too.
    const capped = bakeMacaroon(rootKey, MACAROON_OPS.admin, ['time-before 2099-01-01T00:00:00Z']);
    const stripped = serializeMacaroon({ ...capped, caveats: [] });
    expect(failure(() => verifyMacaroon([Buffer.from(stripped).toString('hex')], rootKey, []))).toEqual(mismatch);
  });

  it('enforces time-before caveats', () => {
    const expired = serializeMacaroon(bakeMacaroon(rootKey, MACAROON_OPS.admin, ['time-before 2020-01-01T00:00:00Z']));
    expect(failure(() => verifyMacaroon([Buffer.from(expired).toString('hex')], rootKey, [])).details).toMatch(
      /caveat .* not satisfied/,
    );
  });

  it.each([['zz'], ['02'], ['03aabb'], ['']])('rejects garbage %j without echoing it', (value) => {
    const { code, details } = failure(() => verifyMacaroon([value], rootKey, []));
    expect(code).toBe(2);
    expect(details.length).toBeGreaterThan(0);
  });
});
