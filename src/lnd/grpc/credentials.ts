/**
 * TLS certificate and macaroon inputs → what grpc-js needs. The macaroon travels as `macaroon`
 * metadata in hex on every call; it never appears in an error message.
 */
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { ValidationError } from '../../errors.js';

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
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
 * The node's TLS certificate as PEM: PEM text, a file path (PEM or DER file), or bytes (PEM or DER).
 * @throws {ValidationError} when it is none of those
 */
export function readCert(cert: string | Uint8Array): Buffer {
  if (cert instanceof Uint8Array) {
    const text = Buffer.from(cert).toString('latin1');
    if (text.includes(PEM_BEGIN)) return Buffer.from(cert);
    if (cert.length > 0 && cert[0] === 0x30) return Buffer.from(derToPem(cert));
    throw new ValidationError('cert', `expected PEM or DER certificate bytes, got ${cert.length} other bytes`);
  }
  if (typeof cert !== 'string' || cert.trim() === '') {
    throw new ValidationError(
      'cert',
      `expected PEM text or a file path, got ${typeof cert === 'string' ? 'an empty string' : typeof cert}`,
    );
  }
  if (cert.includes(PEM_BEGIN)) return Buffer.from(cert);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(cert);
  } catch (error) {
    throw new ValidationError('cert', `expected PEM text or a readable file path, got ${JSON.stringify(cert)}`, {
      cause: error,
    });
  }
  return readCert(new Uint8Array(bytes));
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
  } catch {
    // No cause: the error could quote the argument, which might be a mistyped secret.
    throw new ValidationError(
      'macaroon',
      `expected hex or a readable file path, got a ${trimmed.length}-character string that is neither`,
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
 * TLS channel credentials that pin `certPem` (system roots when it is null) and attach the macaroon
 * to every call.
 */
export function createLndCredentials(certPem: Buffer | null, macaroonHex: string): grpc.ChannelCredentials {
  const ssl = grpc.credentials.createSsl(certPem);
  const macaroonCreds = grpc.credentials.createFromMetadataGenerator((_params, callback) => {
    callback(null, macaroonMetadata(macaroonHex));
  });
  return grpc.credentials.combineChannelCredentials(ssl, macaroonCreds);
}
