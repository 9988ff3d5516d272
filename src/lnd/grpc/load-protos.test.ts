import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LndConnectionError } from '../../errors.js';
import { findProtosDir, loadLndProtos } from './load-protos.js';

const packageRoot = path.resolve(import.meta.dirname, '../../..');

describe('findProtosDir / loadLndProtos', () => {
  it('finds the package protos/ from src/ and from a dist/ chunk', () => {
    expect(findProtosDir()).toBe(path.join(packageRoot, 'protos'));
    expect(findProtosDir(pathToFileURL(path.join(packageRoot, 'dist', 'chunk-abc123.js')))).toBe(
      path.join(packageRoot, 'protos'),
    );
  });

  it('throws LndConnectionError when no protos/ folder is above the module', () => {
    expect(() => findProtosDir(pathToFileURL('/nonexistent-lnkit/dist/lnd.js'))).toThrow(LndConnectionError);
  });

  it('loads the three services with LND method paths', () => {
    const definition = loadLndProtos();
    const lightning = definition['lnrpc.Lightning'] as Record<string, { path: string; responseStream: boolean }>;
    expect(lightning['AddInvoice']?.path).toBe('/lnrpc.Lightning/AddInvoice');
    expect(lightning['SubscribeInvoices']?.responseStream).toBe(true);
    expect(Object.keys(definition['routerrpc.Router'] as object).sort()).toEqual(['SendPaymentV2', 'TrackPaymentV2']);
  });
});
