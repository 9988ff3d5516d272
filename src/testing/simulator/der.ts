/**
 * A minimal DER (ASN.1) encoder: just the types an X.509 certificate needs.
 */

/** Encodes a DER length (short form below 128, long form above). */
function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A tag-length-value element with the given tag byte and content. */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const length = encodeLength(content.length);
  const out = new Uint8Array(1 + length.length + content.length);
  out[0] = tag;
  out.set(length, 1);
  out.set(content, 1 + length.length);
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** SEQUENCE of the given elements. */
export const sequence = (...items: readonly Uint8Array[]): Uint8Array => tlv(0x30, concatBytes(...items));

/** SET of the given elements (callers pass them already in DER order). */
export const set = (...items: readonly Uint8Array[]): Uint8Array => tlv(0x31, concatBytes(...items));

/** A non-negative INTEGER from big-endian magnitude bytes (adds the sign byte when needed). */
export function integer(magnitude: Uint8Array | number): Uint8Array {
  let bytes = typeof magnitude === 'number' ? Uint8Array.of(magnitude) : magnitude;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if ((bytes[0] ?? 0) & 0x80) bytes = concatBytes(Uint8Array.of(0), bytes);
  return tlv(0x02, bytes);
}

/** OBJECT IDENTIFIER from dotted notation. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((arc) => Number.parseInt(arc, 10));
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes: number[] = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128))
      chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

/** UTF8String. */
export const utf8String = (text: string): Uint8Array => tlv(0x0c, new TextEncoder().encode(text));

/** OCTET STRING. */
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);

/** BIT STRING with no unused bits. */
export const bitString = (bytes: Uint8Array): Uint8Array => tlv(0x03, concatBytes(Uint8Array.of(0), bytes));

/** BOOLEAN. */
export const boolean = (value: boolean): Uint8Array => tlv(0x01, Uint8Array.of(value ? 0xff : 0));

/** Context-specific constructed tag `[n]` (EXPLICIT wrapper). */
export const explicit = (n: number, content: Uint8Array): Uint8Array => tlv(0xa0 | n, content);

/** Context-specific primitive tag `[n]` (IMPLICIT, e.g. GeneralName choices). */
export const implicit = (n: number, content: Uint8Array): Uint8Array => tlv(0x80 | n, content);

/** UTCTime (years 1950–2049) or GeneralizedTime, as X.509 requires. */
export function time(date: Date): Uint8Array {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const year = date.getUTCFullYear();
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  const encoder = new TextEncoder();
  if (year >= 1950 && year < 2050) return tlv(0x17, encoder.encode(`${pad(year % 100)}${rest}`));
  return tlv(0x18, encoder.encode(`${String(year).padStart(4, '0')}${rest}`));
}
