/**
 * Real macaroons as LND bakes them: libmacaroons v2 binary format, HMAC-SHA256 signature chain,
 * and LND's identifier (version byte 3 + protobuf `MacaroonId{nonce, storageId, ops}` from
 * macaroon-bakery), so `lncli printmacaroon`-style tools can read the permissions.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** One permission entry: an entity (`invoices`) and its allowed actions (`read`, `write`). */
export interface MacaroonOp {
  readonly entity: string;
  readonly actions: readonly string[];
}

/** A decoded macaroon. */
export interface Macaroon {
  readonly location: string;
  readonly identifier: Uint8Array;
  readonly caveats: readonly string[];
  readonly signature: Uint8Array;
}

/** A macaroon failure with LND's exact text; the server returns it as gRPC UNKNOWN (2). */
export class MacaroonError extends Error {
  /** gRPC status code: LND reports every macaroon failure as UNKNOWN. */
  readonly code = 2;
  constructor(readonly details: string) {
    super(details);
    this.name = 'MacaroonError';
  }
}

const FIELD_EOS = 0;
const FIELD_LOCATION = 1;
const FIELD_IDENTIFIER = 2;
const FIELD_VID = 4;
const FIELD_SIGNATURE = 6;
const KEY_GENERATOR = Buffer.from('macaroons-key-generator', 'utf8');
const SIGNATURE_MISMATCH = 'verification failed: signature mismatch after caveat verification';

const hmac = (key: Uint8Array, message: Uint8Array): Uint8Array =>
  new Uint8Array(createHmac('sha256', key).update(message).digest());
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

function field(type: number, data: Uint8Array): number[] {
  return [type, ...varint(data.length), ...data];
}

/** Protobuf length-delimited field (wire type 2). */
function pbBytes(fieldNumber: number, data: Uint8Array): number[] {
  return [(fieldNumber << 3) | 2, ...varint(data.length), ...data];
}

/** LND's macaroon identifier: version 3 followed by the bakery's MacaroonId protobuf. */
export function encodeIdentifier(
  ops: readonly MacaroonOp[],
  nonce: Uint8Array = new Uint8Array(randomBytes(24)),
): Uint8Array {
  const body: number[] = [...pbBytes(1, nonce), ...pbBytes(2, utf8('0'))];
  for (const op of ops) {
    const opBytes = [...pbBytes(1, utf8(op.entity)), ...op.actions.flatMap((action) => pbBytes(2, utf8(action)))];
    body.push(...pbBytes(3, Uint8Array.from(opBytes)));
  }
  return Uint8Array.from([3, ...body]);
}

class Reader {
  offset = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
  ) {}
  get done(): boolean {
    return this.offset >= this.bytes.length;
  }
  byte(): number {
    const value = this.bytes[this.offset++];
    if (value === undefined) throw new MacaroonError(`unable to unmarshal ${this.what}: unexpected end of data`);
    return value;
  }
  varint(): number {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      const b = this.byte();
      value += (b & 0x7f) * shift;
      if (b < 0x80) return value;
      if (shift > 2 ** 28) throw new MacaroonError(`unable to unmarshal ${this.what}: varint overflow`);
    }
  }
  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length)
      throw new MacaroonError(`unable to unmarshal ${this.what}: unexpected end of data`);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

/** Decodes LND's identifier back into its permission list. */
export function decodeIdentifier(identifier: Uint8Array): MacaroonOp[] {
  if (identifier[0] !== 3)
    throw new MacaroonError(`unable to decode macaroon id: expected version 3, got ${identifier[0] ?? 'nothing'}`);
  const reader = new Reader(identifier.subarray(1), 'macaroon id');
  const ops: MacaroonOp[] = [];
  while (!reader.done) {
    const key = reader.varint();
    if ((key & 7) !== 2) throw new MacaroonError('unable to unmarshal macaroon id: unexpected wire type');
    const data = reader.take(reader.varint());
    if (key >> 3 !== 3) continue;
    const opReader = new Reader(data, 'macaroon op');
    let entity = '';
    const actions: string[] = [];
    while (!opReader.done) {
      const opKey = opReader.varint();
      const text = new TextDecoder().decode(opReader.take(opReader.varint()));
      if (opKey >> 3 === 1) entity = text;
      else if (opKey >> 3 === 2) actions.push(text);
    }
    ops.push({ entity, actions });
  }
  return ops;
}

/** The HMAC chain: key = HMAC("macaroons-key-generator", rootKey), sig = HMAC(key, id), then per caveat. */
function chainSignature(rootKey: Uint8Array, identifier: Uint8Array, caveats: readonly string[]): Uint8Array {
  let signature = hmac(hmac(KEY_GENERATOR, rootKey), identifier);
  for (const caveat of caveats) signature = hmac(signature, utf8(caveat));
  return signature;
}

/** Bakes a macaroon for `ops` under `rootKey`, optionally with first-party caveats. */
export function bakeMacaroon(
  rootKey: Uint8Array,
  ops: readonly MacaroonOp[],
  caveats: readonly string[] = [],
): Macaroon {
  const identifier = encodeIdentifier(ops);
  return {
    location: 'lnd',
    identifier,
    caveats: [...caveats],
    signature: chainSignature(rootKey, identifier, caveats),
  };
}

/** Serializes to the libmacaroons v2 binary format (the bytes of `admin.macaroon`). */
export function serializeMacaroon(macaroon: Macaroon): Uint8Array {
  const bytes: number[] = [2];
  if (macaroon.location) bytes.push(...field(FIELD_LOCATION, utf8(macaroon.location)));
  bytes.push(...field(FIELD_IDENTIFIER, macaroon.identifier), FIELD_EOS);
  for (const caveat of macaroon.caveats) bytes.push(...field(FIELD_IDENTIFIER, utf8(caveat)), FIELD_EOS);
  bytes.push(FIELD_EOS, ...field(FIELD_SIGNATURE, macaroon.signature));
  return Uint8Array.from(bytes);
}

/** Parses the libmacaroons v2 binary format. */
export function parseMacaroon(bytes: Uint8Array): Macaroon {
  const reader = new Reader(bytes, 'macaroon');
  if (reader.byte() !== 2) throw new MacaroonError('unable to unmarshal macaroon: unsupported macaroon version');
  const readSection = (): Map<number, Uint8Array> => {
    const fields = new Map<number, Uint8Array>();
    for (let type = reader.byte(); type !== FIELD_EOS; type = reader.byte())
      fields.set(type, reader.take(reader.varint()));
    return fields;
  };
  const header = readSection();
  const identifier = header.get(FIELD_IDENTIFIER);
  if (!identifier) throw new MacaroonError('unable to unmarshal macaroon: missing identifier');
  const caveats: string[] = [];
  for (;;) {
    if (reader.bytes[reader.offset] === FIELD_EOS) {
      reader.byte();
      break;
    }
    const caveat = readSection();
    if (caveat.has(FIELD_VID)) throw new MacaroonError('verification failed: third-party caveats are not supported');
    caveats.push(new TextDecoder().decode(caveat.get(FIELD_IDENTIFIER) ?? new Uint8Array()));
  }
  if (reader.byte() !== FIELD_SIGNATURE) throw new MacaroonError('unable to unmarshal macaroon: missing signature');
  const signature = reader.take(reader.varint());
  const location = new TextDecoder().decode(header.get(FIELD_LOCATION) ?? new Uint8Array());
  return { location, identifier, caveats, signature };
}

/** Checks one first-party caveat; LND's standard ones are `time-before` and `ipaddr`. */
function checkCaveat(caveat: string, now: number): void {
  const [condition = '', ...rest] = caveat.split(' ');
  const argument = rest.join(' ');
  if (condition === 'time-before' && Date.parse(argument) > now) return;
  throw new MacaroonError(`verification failed: caveat "${caveat}" not satisfied`);
}

/**
 * Verifies gRPC `macaroon` metadata values against a node's root key and the permissions an RPC
 * needs, throwing a {@link MacaroonError} with LND's exact text on failure.
 */
export function verifyMacaroon(
  values: readonly (string | Buffer)[],
  rootKey: Uint8Array,
  required: readonly MacaroonOp[],
  now: number = Date.now(),
): void {
  if (values.length !== 1) throw new MacaroonError(`expected 1 macaroon, got ${values.length}`);
  const hex = String(values[0]);
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new MacaroonError('encoding/hex: invalid byte in macaroon');
  const macaroon = parseMacaroon(new Uint8Array(Buffer.from(hex, 'hex')));
  const expected = chainSignature(rootKey, macaroon.identifier, macaroon.caveats);
  if (macaroon.signature.length !== expected.length || !timingSafeEqual(macaroon.signature, expected)) {
    throw new MacaroonError(SIGNATURE_MISMATCH);
  }
  for (const caveat of macaroon.caveats) checkCaveat(caveat, now);
  const granted = decodeIdentifier(macaroon.identifier);
  const allowed = required.every((need) =>
    need.actions.every((action) => granted.some((op) => op.entity === need.entity && op.actions.includes(action))),
  );
  if (!allowed) throw new MacaroonError('permission denied');
}
