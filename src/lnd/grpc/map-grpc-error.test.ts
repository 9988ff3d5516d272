import { BrokenCircuitError } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import {
  CircuitOpenError,
  InvoiceAlreadyExistsError,
  InvoiceNotFoundError,
  LndAuthenticationError,
  LndConnectionError,
  LndError,
  LndPermissionError,
  LndTimeoutError,
  LndUnavailableError,
  PaymentNotFoundError,
} from '../../errors.js';
import { isConnectivityFailure, isRetryable, toLightningError } from './map-grpc-error.js';

const grpcError = (code: number, details: string): Error & { code: number; details: string } =>
  Object.assign(new Error(`${code} X: ${details}`), { code, details });

describe('toLightningError', () => {
  it.each([
    [
      14,
      'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1',
      LndUnavailableError,
      'LND_UNAVAILABLE',
    ],
    [14, 'No connection established. Last error: Error: self-signed certificate', LndConnectionError, 'LND_CONNECTION'],
    [
      14,
      'Connection dropped: SSL routines:ssl3_read_bytes:sslv3 alert handshake failure',
      LndConnectionError,
      'LND_CONNECTION',
    ],
    [16, 'unauthenticated', LndAuthenticationError, 'LND_AUTHENTICATION'],
    [
      2,
      'verification failed: signature mismatch after caveat verification',
      LndAuthenticationError,
      'LND_AUTHENTICATION',
    ],
    [2, "cannot get macaroon: root key with id 0 doesn't exist", LndAuthenticationError, 'LND_AUTHENTICATION'],
    [2, 'expected 1 macaroon, got 0', LndAuthenticationError, 'LND_AUTHENTICATION'],
    [2, 'permission denied', LndPermissionError, 'LND_PERMISSION'],
    [7, 'denied', LndPermissionError, 'LND_PERMISSION'],
    [4, 'Deadline exceeded', LndTimeoutError, 'LND_TIMEOUT'],
    [2, 'invoice with payment hash already exists', InvoiceAlreadyExistsError, 'INVOICE_ALREADY_EXISTS'],
    [5, 'unable to locate invoice', InvoiceNotFoundError, 'INVOICE_NOT_FOUND'],
    [5, 'there are no existing invoices', InvoiceNotFoundError, 'INVOICE_NOT_FOUND'],
    [5, "payment isn't initiated", PaymentNotFoundError, 'PAYMENT_NOT_FOUND'],
    [2, 'invoice still open', LndError, 'LND_ERROR'],
    [6, 'invoice is already paid', LndError, 'LND_ERROR'],
    [12, 'unknown service routerrpc.Router', LndError, 'LND_ERROR'],
  ])('code %i "%s" → %o', (code, details, Class, lnkitCode) => {
    const cause = grpcError(code, details);
    const mapped = toLightningError(cause);
    expect(mapped).toBeInstanceOf(Class);
    expect(mapped.code).toBe(lnkitCode);
    expect(mapped.cause).toBe(cause);
    if (Class === LndConnectionError) expect(mapped.message).toMatch(/TLS/);
    if (Class === LndError) expect((mapped as LndError).grpcCode).toBe(code);
  });

  it('maps an open circuit to CircuitOpenError', () => {
    const mapped = toLightningError(new BrokenCircuitError());
    expect(mapped).toBeInstanceOf(CircuitOpenError);
    expect(mapped.code).toBe('CIRCUIT_OPEN');
  });

  it('wraps a non-gRPC error as LndError with cause, and passes lnkit errors through', () => {
    const cause = new TypeError('boom');
    expect(toLightningError(cause)).toMatchObject({ code: 'LND_ERROR', cause });
    const already = new InvoiceNotFoundError();
    expect(toLightningError(already)).toBe(already);
  });

  it('classifies retryable and breaker-counted failures', () => {
    expect(isRetryable(new LndUnavailableError())).toBe(true);
    expect(isRetryable(new LndTimeoutError())).toBe(true);
    for (const error of [
      new LndConnectionError('TLS'),
      new LndAuthenticationError(),
      new InvoiceNotFoundError(),
      new LndError('x'),
    ]) {
      expect(isRetryable(error)).toBe(false);
      expect(isConnectivityFailure(error)).toBe(false);
    }
  });
});
