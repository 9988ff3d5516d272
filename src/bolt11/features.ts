/**
 * The `9` field: a big-endian bit vector, bit 0 being the least significant bit of the last word.
 * Feature pairs follow BOLT 9 (even = compulsory, odd = optional); names follow LND.
 */
import { Bolt11Error } from '../errors.js';
import type { Bolt11Feature } from './types.js';

/** Invoice feature names by the even bit of their pair (BOLT 9 features marked for invoices). */
const NAMES: Readonly<Record<number, string>> = {
  8: 'tlv-onion',
  14: 'payment-addr',
  16: 'multi-path-payments',
  24: 'route-blinding',
  30: 'amp',
  48: 'payment-metadata',
};

/** Highest bit a `9` field can carry (1023 words × 5 bits). */
export const MAX_FEATURE_BIT = 1023 * 5 - 1;

/** The name of a feature bit's pair, if known. */
export function featureName(bit: number): string | undefined {
  return NAMES[bit - (bit % 2)];
}

/** Decoded `9` field. */
export interface ParsedFeatures {
  readonly features: Record<number, Bolt11Feature>;
  readonly bits: number[];
}

/** Reads the set bits; an unknown even (compulsory) bit fails the invoice, as the spec requires. */
export function parseFeatures(words: readonly number[]): ParsedFeatures {
  const bits: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[words.length - 1 - i] as number;
    for (let b = 0; b < 5; b++) if ((word >> b) & 1) bits.push(i * 5 + b);
  }
  const features: Record<number, Bolt11Feature> = {};
  for (const bit of bits) {
    const name = featureName(bit);
    const isRequired = bit % 2 === 0;
    if (isRequired && name === undefined) {
      throw new Bolt11Error(
        'unknown_required_feature',
        `expected only known compulsory features, got unknown even bit ${bit}`,
      );
    }
    features[bit] = name === undefined ? { isRequired } : { name, isRequired };
  }
  return { features, bits };
}

/** Encodes set bit numbers into the fewest words (empty when no bit is set). */
export function featuresToWords(bits: readonly number[]): number[] {
  if (bits.length === 0) return [];
  const max = Math.max(...bits);
  const words = new Array<number>(Math.floor(max / 5) + 1).fill(0);
  for (const bit of bits) {
    const idx = words.length - 1 - Math.floor(bit / 5);
    words[idx] = (words[idx] as number) | (1 << (bit % 5));
  }
  return words;
}
