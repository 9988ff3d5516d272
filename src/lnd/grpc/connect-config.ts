/**
 * Connection settings: `host:port` sockets and lndconnect URIs
 * (`lndconnect://host:port?cert=<base64url DER>&macaroon=<base64url>`, cert optional).
 */
import { X509Certificate } from 'node:crypto';
import { ValidationError } from '../../errors.js';
import { derToPem } from './credentials.js';

/** What an lndconnect URI carries. */
export interface LndconnectParts {
  /** `host:port` (port 10009 when the URI has none). */
  readonly socket: string;
  /** PEM certificate; absent when the node uses a publicly trusted certificate. */
  readonly cert?: string;
  /** Macaroon as lower-case hex. */
  readonly macaroon: string;
}

const SOCKET = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):([0-9]{1,5})$/;
const BASE64 = /^[A-Za-z0-9_\-+/]+={0,2}$/;

/**
 * Checks a `host:port` socket.
 * @throws {ValidationError} when it is not `host:port` with a port in 1-65535
 */
export function checkSocket(socket: unknown, field = 'socket'): string {
  const match = typeof socket === 'string' ? SOCKET.exec(socket) : null;
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65_535) {
    throw new ValidationError(
      field,
      `expected "host:port" with a port in 1-65535, got ${typeof socket === 'string' ? JSON.stringify(socket) : typeof socket}`,
    );
  }
  return socket as string;
}

function decodeBase64(param: string, value: string): Buffer {
  // URLSearchParams turns a '+' of plain base64 into a space.
  const cleaned = value.replace(/ /g, '+');
  if (!BASE64.test(cleaned))
    throw new ValidationError('lndconnect', `expected ${param} as base64url, got invalid characters`);
  return Buffer.from(cleaned.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/**
 * Parses an lndconnect URI into a socket, a PEM certificate and a hex macaroon.
 * @throws {ValidationError} on another scheme, a missing host or macaroon, or an unreadable cert
 * @example parseLndconnect('lndconnect://127.0.0.1:10009?cert=MIIB…&macaroon=AgEDbG5k…')
 */
export function parseLndconnect(uri: string): LndconnectParts {
  if (typeof uri !== 'string' || !uri.startsWith('lndconnect://')) {
    throw new ValidationError(
      'lndconnect',
      `expected a URI starting with "lndconnect://", got ${typeof uri === 'string' ? `"${uri.slice(0, 13)}…"` : typeof uri}`,
    );
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch (error) {
    throw new ValidationError('lndconnect', 'expected a valid lndconnect URI, got one that does not parse', {
      cause: error,
    });
  }
  if (url.hostname === '') throw new ValidationError('lndconnect', 'expected a host, got none');
  const socket = checkSocket(`${url.hostname}:${url.port === '' ? '10009' : url.port}`, 'lndconnect');
  const macaroonParam = url.searchParams.get('macaroon');
  if (macaroonParam === null || macaroonParam === '')
    throw new ValidationError('lndconnect', 'expected a macaroon parameter, got none');
  const macaroon = decodeBase64('macaroon', macaroonParam).toString('hex');
  if (macaroon === '') throw new ValidationError('lndconnect', 'expected a non-empty macaroon, got 0 bytes');
  const certParam = url.searchParams.get('cert');
  if (certParam === null || certParam === '') return { socket, macaroon };
  const der = decodeBase64('cert', certParam);
  try {
    new X509Certificate(der);
  } catch (error) {
    throw new ValidationError(
      'lndconnect',
      `expected cert as a base64url DER certificate, got ${der.length} bytes that are not one`,
      { cause: error },
    );
  }
  return { socket, cert: derToPem(der), macaroon };
}

/**
 * Builds an lndconnect URI from a socket, an optional PEM certificate and a hex macaroon.
 * @throws {ValidationError} on a bad socket, certificate or macaroon
 * @example formatLndconnect({ socket: '127.0.0.1:10009', cert: pem, macaroon: hex })
 */
export function formatLndconnect(parts: LndconnectParts): string {
  const socket = checkSocket(parts.socket);
  if (typeof parts.macaroon !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(parts.macaroon)) {
    throw new ValidationError('macaroon', 'expected the macaroon as hex');
  }
  const params = new URLSearchParams();
  if (parts.cert !== undefined) {
    let der: Buffer;
    try {
      der = Buffer.from(new X509Certificate(parts.cert).raw);
    } catch (error) {
      throw new ValidationError('cert', 'expected a PEM certificate, got text that does not parse', { cause: error });
    }
    params.set('cert', der.toString('base64url'));
  }
  params.set('macaroon', Buffer.from(parts.macaroon, 'hex').toString('base64url'));
  return `lndconnect://${socket}?${params.toString()}`;
}
