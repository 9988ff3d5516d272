/**
 * TLS certificate and macaroon inputs → what grpc-js needs. The macaroon travels as `macaroon`
 * metadata in hex on every call; it never appears in an error message.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { ValidationError } from '../../errors.js';

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** DER bytes of a certificate → PEM text. */
export function derToPem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `${PEM_BEGIN}\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Checks that `pem` holds at least one whole certificate that parses, so that a truncated or
 * END-less file fails here, naming `cert`, rather than later as "self-signed certificate".
 */
function checkedPem(pem: Buffer, what: string): Buffer {
  const text = pem.toString('latin1');
  const begin = text.indexOf(PEM_BEGIN);
  const end = text.indexOf(PEM_END, begin);
  if (end < 0)
    throw new ValidationError('cert', `expected a PEM certificate ending in "${PEM_END}", got ${what} without it`);
  try {
    new X509Certificate(text.slice(begin, end + PEM_END.length));
  } catch (error) {
    throw new ValidationError('cert', `expected a PEM certificate, got ${what} that does not parse (truncated?)`, {
      cause: error,
    });
  }
  return pem;
}

function checkedDer(der: Uint8Array, what: string): Buffer {
  try {
    new X509Certificate(der);
  } catch (error) {
    throw new ValidationError('cert', `expected a DER certificate, got ${what} that does not parse (truncated?)`, {
      cause: error,
    });
  }
  return Buffer.from(derToPem(der));
}

/**
 * The node's TLS certificate as PEM: PEM text, a file path (PEM or DER file), or bytes (PEM or DER).
 * The certificate is parsed here, so a truncated one is refused at construction.
 * @throws {ValidationError} on `cert` when it is none of those, or does not parse
 */
export function readCert(cert: string | Uint8Array, what = 'bytes'): Buffer {
  if (cert instanceof Uint8Array) {
    const text = Buffer.from(cert).toString('latin1');
    if (text.includes(PEM_BEGIN)) return checkedPem(Buffer.from(cert), `PEM ${what}`);
    if (cert.length > 0 && cert[0] === 0x30) return checkedDer(cert, `${cert.length} ${what}`);
    throw new ValidationError('cert', `expected PEM or DER certificate ${what}, got ${cert.length} other bytes`);
  }
  if (typeof cert !== 'string' || cert.trim() === '') {
    throw new ValidationError(
      'cert',
      `expected PEM text or a file path, got ${typeof cert === 'string' ? 'an empty string' : typeof cert}`,
    );
  }
  if (cert.includes(PEM_BEGIN)) return checkedPem(Buffer.from(cert), 'PEM text');
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(cert);
  } catch (error) {
    throw new ValidationError('cert', `expected PEM text or a readable file path, got ${JSON.stringify(cert)}`, {
      cause: error,
    });
  }
  return readCert(new Uint8Array(bytes), `bytes in ${cert}`);
}

/** A path separator, a `.macaroon` name, and nothing of a hex or base64 secret's length. */
function looksLikePath(text: string): boolean {
  return (
    (/[/\\]/.test(text) || text.endsWith('.macaroon')) && text.length <= 4096 && !/^[A-Za-z0-9+/=_-]{64,}$/.test(text)
  );
}

/**
 * The macaroon as lower-case hex: hex text, a file path (the binary `.macaroon` file), or bytes.
 * @throws {ValidationError} when it is none of those (the value itself is never echoed)
 */
export function readMacaroon(macaroon: string | Uint8Array): string {
  if (macaroon instanceof Uint8Array) {
    if (macaroon.length === 0) throw new ValidationError('macaroon', 'expected macaroon bytes, got 0 bytes');
    return Buffer.from(macaroon).toString('hex');
  }
  if (typeof macaroon !== 'string' || macaroon.trim() === '') {
    throw new ValidationError(
      'macaroon',
      `expected hex or a file path, got ${typeof macaroon === 'string' ? 'an empty string' : typeof macaroon}`,
    );
  }
  const trimmed = macaroon.trim();
  if (HEX.test(trimmed)) return trimmed.toLowerCase();
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(trimmed);
  } catch (error) {
    // A path is named; anything else is not quoted, as it might be a mistyped secret. No cause either:
    // it would quote the argument.
    const code = (error as NodeJS.ErrnoException | null)?.code;
    throw new ValidationError(
      'macaroon',
      looksLikePath(trimmed)
        ? `expected a readable macaroon file, got ${JSON.stringify(trimmed)} (${code ?? 'unreadable'})`
        : `expected hex or a readable file path, got a ${trimmed.length}-character string that is neither`,
    );
  }
  return readMacaroon(new Uint8Array(bytes));
}

/** Metadata carrying the macaroon (used directly on insecure test channels). */
export function macaroonMetadata(macaroonHex: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.add('macaroon', macaroonHex);
  return metadata;
}

/**
 * How to name the server in TLS when `socket` dials an IP address. Node refuses an IP as the TLS
 * server name (SNI; DEP0123 warns on every process), so the name sent is a DNS name the pinned
 * certificate carries (LND's always names `localhost`), while the certificate is still verified
 * against the dialled IP, exactly as before. Null when the host is a name, no certificate is pinned,
 * or the certificate names no DNS host.
 */
export function ipServerName(socket: string, certPem: Buffer | null): { serverName: string; ip: string } | null {
  const host = socket.slice(0, socket.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1');
  if (certPem === null || isIP(host) === 0) return null;
  let names: string[];
  try {
    names = (new X509Certificate(certPem).subjectAltName ?? '')
      .split(', ')
      .filter((entry) => entry.startsWith('DNS:'))
      .map((entry) => entry.slice(4));
  } catch {
    return null;
  }
  const serverName = names.includes('localhost') ? 'localhost' : names.find((name) => !name.includes('*'));
  return serverName === undefined ? null : { serverName, ip: host };
}

/**
 * TLS channel credentials that pin `certPem` (system roots when it is null) and attach the macaroon
 * to every call. `verifyIp`: check the certificate's identity against this IP address (see
 * {@link ipServerName}) whatever server name is sent.
 */
export function createLndCredentials(
  certPem: Buffer | null,
  macaroonHex: string,
  verifyIp?: string,
): grpc.ChannelCredentials {
  const ssl = grpc.credentials.createSsl(
    certPem,
    null,
    null,
    verifyIp === undefined
      ? {}
      : { checkServerIdentity: (_name: string, cert: PeerCertificate) => checkServerIdentity(verifyIp, cert) },
  );
  const macaroonCreds = grpc.credentials.createFromMetadataGenerator((_params, callback) => {
    callback(null, macaroonMetadata(macaroonHex));
  });
  return grpc.credentials.combineChannelCredentials(ssl, macaroonCreds);
}
