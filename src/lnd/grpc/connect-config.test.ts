import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import { generateTlsCertificate } from '../../testing/simulator/tls-cert.js';
import { resolveLndConfig } from './client-config.js';
import { formatLndconnect, parseLndconnect } from './connect-config.js';
import { ipServerName, readCert, readMacaroon } from './credentials.js';

const { certPem } = generateTlsCertificate();
const der = Buffer.from(new X509Certificate(certPem).raw);
const macaroonBytes = Buffer.from('0201036c6e6402f801030a10', 'hex');
const macaroonHex = macaroonBytes.toString('hex');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lnkit-connect-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('parseLndconnect', () => {
  it('parses host, port, cert (base64url DER → PEM) and macaroon (→ hex)', () => {
    const uri = `lndconnect://127.0.0.1:10009?cert=${der.toString('base64url')}&macaroon=${macaroonBytes.toString('base64url')}`;
    const parts = parseLndconnect(uri);
    expect(parts.socket).toBe('127.0.0.1:10009');
    expect(parts.macaroon).toBe(macaroonHex);
    expect(Buffer.from(new X509Certificate(parts.cert!).raw).equals(der)).toBe(true);
  });

  it.each([
    [
      'without cert',
      `lndconnect://node.example.com:10009?macaroon=${macaroonBytes.toString('base64url')}`,
      'node.example.com:10009',
      false,
    ],
    [
      'without port (default 10009)',
      `lndconnect://node.example.com?macaroon=${macaroonBytes.toString('base64url')}`,
      'node.example.com:10009',
      false,
    ],
    [
      'with an IPv6 host',
      `lndconnect://[::1]:10010?macaroon=${macaroonBytes.toString('base64url')}`,
      '[::1]:10010',
      false,
    ],
    [
      'with plain base64 (+ read as space)',
      `lndconnect://h:1?cert=${der.toString('base64').replace(/=+$/, '')}&macaroon=${macaroonBytes.toString('base64')}`,
      'h:1',
      true,
    ],
  ])('accepts a URI %s', (_label, uri, socket, hasCert) => {
    const parts = parseLndconnect(uri);
    expect(parts.socket).toBe(socket);
    expect(parts.macaroon).toBe(macaroonHex);
    expect(parts.cert !== undefined).toBe(hasCert);
  });

  it.each([
    ['another scheme', `https://h:10009?macaroon=AQID`, /lndconnect:\/\//],
    ['no macaroon', 'lndconnect://h:10009?cert=MIIB', /macaroon/],
    ['empty macaroon', 'lndconnect://h:10009?macaroon=', /macaroon/],
    ['macaroon with invalid characters', 'lndconnect://h:10009?macaroon=%%%', /macaroon|parse/],
    ['cert that is not DER', `lndconnect://h:10009?cert=AAAA&macaroon=AQID`, /cert/],
    ['port out of range', 'lndconnect://h:99999?macaroon=AQID', /port|parse/],
    ['no host', 'lndconnect://?macaroon=AQID', /host|parse/],
    ['not a string', 42, /lndconnect/],
  ])('rejects %s with a ValidationError', (_label, uri, message) => {
    let thrown: unknown;
    try {
      parseLndconnect(uri as string);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('AQID');
  });

  it('round-trips through formatLndconnect', () => {
    const uri = formatLndconnect({ socket: 'localhost:10009', cert: certPem, macaroon: macaroonHex });
    expect(uri).toMatch(/^lndconnect:\/\/localhost:10009\?cert=[A-Za-z0-9_-]+&macaroon=[A-Za-z0-9_-]+$/);
    const parts = parseLndconnect(uri);
    expect(parts.macaroon).toBe(macaroonHex);
    expect(new X509Certificate(parts.cert!).fingerprint256).toBe(new X509Certificate(certPem).fingerprint256);
    expect(parseLndconnect(formatLndconnect({ socket: 'h:1', macaroon: macaroonHex })).cert).toBeUndefined();
    expect(() => formatLndconnect({ socket: 'h', macaroon: macaroonHex })).toThrow(ValidationError);
    expect(() => formatLndconnect({ socket: 'h:1', macaroon: 'xyz' })).toThrow(ValidationError);
  });
});

describe('readCert / readMacaroon', () => {
  it('reads PEM text, PEM and DER files and bytes', () => {
    const pemFile = path.join(tmp, 'tls.cert');
    const derFile = path.join(tmp, 'tls.der');
    fs.writeFileSync(pemFile, certPem);
    fs.writeFileSync(derFile, der);
    for (const input of [certPem, pemFile, derFile, new Uint8Array(der), Buffer.from(certPem)]) {
      expect(new X509Certificate(readCert(input)).fingerprint256).toBe(new X509Certificate(certPem).fingerprint256);
    }
  });
  it('reads hex, a macaroon file and bytes', () => {
    const file = path.join(tmp, 'admin.macaroon');
    fs.writeFileSync(file, macaroonBytes);
    expect(readMacaroon(macaroonHex.toUpperCase())).toBe(macaroonHex);
    expect(readMacaroon(file)).toBe(macaroonHex);
    expect(readMacaroon(new Uint8Array(macaroonBytes))).toBe(macaroonHex);
  });
  it.each([
    ['cert', () => readCert('/no/such/tls.cert')],
    ['cert', () => readCert('')],
    ['cert', () => readCert(new Uint8Array([1, 2, 3]))],
    ['macaroon', () => readMacaroon('not-hex-and-no-file')],
    ['macaroon', () => readMacaroon(new Uint8Array(0))],
  ])('rejects a bad %s', (field, fn) => {
    expect(fn).toThrow(ValidationError);
    try {
      fn();
    } catch (error) {
      expect((error as ValidationError).field).toBe(field);
      expect((error as Error).message).not.toContain('not-hex-and-no-file');
    }
  });
});

describe('resolveLndConfig', () => {
  it('applies defaults and freezes', () => {
    const config = resolveLndConfig({ socket: '127.0.0.1:10009', cert: certPem, macaroon: macaroonHex });
    expect(config).toMatchObject({ timeoutMs: 30_000, maxRetries: 3, consecutiveFailures: 5, halfOpenAfterMs: 10_000 });
    expect(Object.isFrozen(config)).toBe(true);
  });
  it.each([
    [{ socket: '127.0.0.1', cert: certPem, macaroon: macaroonHex }, 'socket'],
    [{ socket: '127.0.0.1:1', cert: certPem, macaroon: macaroonHex, timeoutMs: 0 }, 'timeoutMs'],
    [{ socket: '127.0.0.1:1', cert: certPem, macaroon: macaroonHex, maxRetries: -1 }, 'maxRetries'],
    [
      { socket: '127.0.0.1:1', cert: certPem, macaroon: macaroonHex, breaker: { consecutiveFailures: 1.5 } },
      'breaker.consecutiveFailures',
    ],
    [{ socket: '127.0.0.1:1', cert: certPem, macaroon: macaroonHex, serverNameOverride: '' }, 'serverNameOverride'],
  ])('rejects %o', (config, field) => {
    expect(() => resolveLndConfig(config)).toThrow(ValidationError);
    try {
      resolveLndConfig(config);
    } catch (error) {
      expect((error as ValidationError).field).toBe(field);
    }
  });
});

describe('ipServerName', () => {
  it('names an IP-dialled server by the certificate’s DNS name and keeps the IP for verification', () => {
    const pem = Buffer.from(certPem);
    expect(ipServerName('127.0.0.1:10009', pem)).toEqual({ serverName: 'localhost', ip: '127.0.0.1' });
    expect(ipServerName('[::1]:10009', pem)).toEqual({ serverName: 'localhost', ip: '::1' });
    const other = Buffer.from(generateTlsCertificate({ dnsNames: ['lnd.example'] }).certPem);
    expect(ipServerName('10.0.0.5:10009', other)?.serverName).toBe('localhost');
  });
  it('leaves names, and connections without a pinned certificate, alone', () => {
    expect(ipServerName('localhost:10009', Buffer.from(certPem))).toBeNull();
    expect(ipServerName('lnd.example:10009', Buffer.from(certPem))).toBeNull();
    expect(ipServerName('127.0.0.1:10009', null)).toBeNull();
  });
});
