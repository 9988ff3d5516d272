import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateDer, generateTlsCertificate } from './tls-cert.js';
import { integer, oid, time } from './der.js';

describe('generateTlsCertificate', () => {
  const notBefore = new Date('2026-03-01T12:00:00Z');
  const { certPem, keyPem } = generateTlsCertificate({ notBefore });
  const cert = new X509Certificate(certPem);

  it('parses as a self-signed P-256 certificate with LND-like SANs', () => {
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.ca).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkHost('example.com')).toBeUndefined();
    expect(cert.subject).toContain('CN=localhost');
  });

  it('is valid for 14 × 30 days from notBefore', () => {
    expect(new Date(cert.validFrom).getTime()).toBe(notBefore.getTime());
    expect(new Date(cert.validTo).getTime() - notBefore.getTime()).toBe(420 * 86_400_000);
  });

  it('returns the matching private key', () => {
    const key = createPrivateKey(keyPem);
    expect(cert.checkPrivateKey(key)).toBe(true);
    expect(generateTlsCertificate().certPem).not.toBe(certPem);
  });

  it('gives the DER bytes of the PEM', () => {
    expect(new X509Certificate(certificateDer(certPem)).fingerprint256).toBe(cert.fingerprint256);
  });
});

describe('der', () => {
  it.each([
    [integer(0), '020100'],
    [integer(127), '02017f'],
    [integer(Uint8Array.of(0x80)), '02020080'],
    [integer(Uint8Array.of(0, 0, 5)), '020105'],
    [oid('1.2.840.10045.4.3.2'), '06082a8648ce3d040302'],
    [oid('2.5.29.17'), '0603551d11'],
  ])('encodes known answers (%#)', (bytes, hex) => {
    expect(Buffer.from(bytes).toString('hex')).toBe(hex);
  });

  it('uses UTCTime before 2050 and GeneralizedTime from 2050', () => {
    expect(
      Buffer.from(time(new Date('2026-01-02T03:04:05Z')))
        .toString('latin1')
        .slice(2),
    ).toBe('260102030405Z');
    expect(
      Buffer.from(time(new Date('2050-01-02T03:04:05Z')))
        .toString('latin1')
        .slice(2),
    ).toBe('20500102030405Z');
  });
});
