/**
 * Tagged fields: `type` (5 bits) + `data_length` (10 bits) + data. Reading keeps the first valid
 * field of each kind and records the ones the spec says to skip.
 */
import { Bolt11Error } from '../errors.js';
import { toHex, wordsToBigInt, wordsToBytes } from './bech32.js';
import { fallbackAddressString } from './networks.js';
import type { Bolt11FallbackAddress, Bolt11Network, Bolt11RouteHop, Bolt11UnknownTag } from './types.js';

/** Tag numbers (the bech32 character's value). */
export const TAG = {
  paymentHash: 1, // p
  routeHint: 3, // r
  features: 5, // 9
  expiry: 6, // x
  fallback: 9, // f
  description: 13, // d
  paymentSecret: 16, // s
  payeeNodeKey: 19, // n
  descriptionHash: 23, // h
  minFinalCltvExpiry: 24, // c
  metadata: 27, // m
} as const;

/** Most words a field can hold (10-bit length). */
export const MAX_FIELD_WORDS = 1023;

/** Bytes per `r` hop: pubkey 33 + scid 8 + fee base 4 + fee rate 4 + cltv delta 2. */
export const HOP_BYTES = 51;

/** Largest `x`/`c` value accepted (2^40 − 1 s is ~35,000 years; keeps `expiresAt` a valid Date). */
export const MAX_TAG_INTEGER = 2n ** 40n - 1n;

/** The tagged fields of an invoice, before defaults are applied. */
export interface ParsedTags {
  paymentHash?: Uint8Array;
  paymentSecret?: Uint8Array;
  description?: string;
  descriptionHash?: Uint8Array;
  expirySeconds?: number;
  minFinalCltvExpiry?: number;
  payeeNodeKey?: Uint8Array;
  featureWords?: number[];
  metadata?: Uint8Array;
  readonly fallbackAddresses: Bolt11FallbackAddress[];
  readonly routeHints: Bolt11RouteHop[][];
  readonly unknownTags: Bolt11UnknownTag[];
}

const utf8 = (bytes: Uint8Array): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Bolt11Error('invalid_description', 'expected the d field to be valid UTF-8');
  }
};

function tagInteger(words: readonly number[], reason: string, what: string): number {
  const value = wordsToBigInt(words);
  if (value > MAX_TAG_INTEGER) {
    throw new Bolt11Error(reason, `expected ${what} at most ${MAX_TAG_INTEGER}, got ${value}`);
  }
  return Number(value);
}

function readUint(bytes: Uint8Array, at: number, len: number): bigint {
  let v = 0n;
  for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(bytes[at + i] as number);
  return v;
}

function parseRoute(words: readonly number[]): Bolt11RouteHop[] {
  const bytes = wordsToBytes(words, false);
  if (bytes.length === 0 || bytes.length % HOP_BYTES !== 0) {
    throw new Bolt11Error(
      'invalid_route_hint',
      `expected r field data in ${HOP_BYTES}-byte hops, got ${bytes.length} bytes`,
    );
  }
  const hops: Bolt11RouteHop[] = [];
  for (let at = 0; at < bytes.length; at += HOP_BYTES) {
    hops.push({
      pubkey: toHex(bytes.subarray(at, at + 33)),
      shortChannelId: readUint(bytes, at + 33, 8).toString(),
      feeBaseMsat: Number(readUint(bytes, at + 41, 4)),
      feeProportionalMillionths: Number(readUint(bytes, at + 45, 4)),
      cltvExpiryDelta: Number(readUint(bytes, at + 49, 2)),
    });
  }
  return hops;
}

/** Reads the tagged fields in `words` (timestamp and signature already removed). */
export function parseTags(words: readonly number[], network: Bolt11Network): ParsedTags {
  const tags: ParsedTags = { fallbackAddresses: [], routeHints: [], unknownTags: [] };
  let i = 0;
  while (i < words.length) {
    if (i + 3 > words.length) {
      throw new Bolt11Error(
        'invalid_tag_length',
        `expected a 3-word field header at word ${i}, got ${words.length - i} words`,
      );
    }
    const tag = words[i] as number;
    const len = ((words[i + 1] as number) << 5) | (words[i + 2] as number);
    const start = i + 3;
    if (start + len > words.length) {
      throw new Bolt11Error(
        'invalid_tag_length',
        `expected ${len} data words for tag ${tag}, got ${words.length - start}`,
      );
    }
    const data = words.slice(start, start + len);
    i = start + len;
    const skip = (): void => {
      tags.unknownTags.push({ tag, words: data });
    };
    switch (tag) {
      case TAG.paymentHash:
        if (len !== 52) skip();
        else tags.paymentHash ??= wordsToBytes(data, false);
        break;
      case TAG.paymentSecret:
        if (len !== 52) skip();
        else tags.paymentSecret ??= wordsToBytes(data, false);
        break;
      case TAG.descriptionHash:
        if (len !== 52) skip();
        else tags.descriptionHash ??= wordsToBytes(data, false);
        break;
      case TAG.payeeNodeKey:
        if (len !== 53) skip();
        else tags.payeeNodeKey ??= wordsToBytes(data, false);
        break;
      case TAG.description:
        tags.description ??= utf8(wordsToBytes(data, false));
        break;
      case TAG.expiry:
        tags.expirySeconds ??= tagInteger(data, 'invalid_expiry', 'expiry seconds');
        break;
      case TAG.minFinalCltvExpiry:
        tags.minFinalCltvExpiry ??= tagInteger(data, 'invalid_min_final_cltv_expiry', 'min_final_cltv_expiry');
        break;
      case TAG.features:
        tags.featureWords ??= data;
        break;
      case TAG.metadata:
        tags.metadata ??= wordsToBytes(data, false);
        break;
      case TAG.routeHint:
        tags.routeHints.push(parseRoute(data));
        break;
      case TAG.fallback: {
        const version = data[0];
        if (version === undefined || version > 18) {
          skip();
          break;
        }
        const program = wordsToBytes(data.slice(1), false);
        const address = fallbackAddressString(network, version, program);
        tags.fallbackAddresses.push(
          address === undefined ? { version, hex: toHex(program) } : { version, hex: toHex(program), address },
        );
        break;
      }
      default:
        skip();
    }
  }
  return tags;
}
