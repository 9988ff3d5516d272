/**
 * Network names and on-chain fallback addresses per network.
 */
import { bech32, bech32m, createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Bolt11Network } from './types.js';

interface ChainParams {
  readonly lnd: 'mainnet' | 'testnet' | 'signet' | 'regtest';
  readonly segwitHrp: string;
  readonly p2pkh: number;
  readonly p2sh: number;
}

const PARAMS: Readonly<Record<Bolt11Network, ChainParams>> = {
  bc: { lnd: 'mainnet', segwitHrp: 'bc', p2pkh: 0x00, p2sh: 0x05 },
  tb: { lnd: 'testnet', segwitHrp: 'tb', p2pkh: 0x6f, p2sh: 0xc4 },
  tbs: { lnd: 'signet', segwitHrp: 'tb', p2pkh: 0x6f, p2sh: 0xc4 },
  bcrt: { lnd: 'regtest', segwitHrp: 'bcrt', p2pkh: 0x6f, p2sh: 0xc4 },
};

/**
 * The LND network name for a BOLT11 prefix: bc→mainnet, tb→testnet, tbs→signet, bcrt→regtest.
 * @example bolt11NetworkToLnd(decodeBolt11(req).network) === 'regtest'
 */
export function bolt11NetworkToLnd(network: Bolt11Network): 'mainnet' | 'testnet' | 'signet' | 'regtest' {
  return PARAMS[network].lnd;
}

/** True for the four supported network prefixes. */
export function isBolt11Network(value: unknown): value is Bolt11Network {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PARAMS, value);
}

/**
 * The address string of a fallback on `network`, or `undefined` when the program is not a
 * well-formed P2PKH/P2SH hash (20 bytes) or witness program (BIP-141 lengths).
 */
export function fallbackAddressString(
  network: Bolt11Network,
  version: number,
  program: Uint8Array,
): string | undefined {
  const params = PARAMS[network];
  if (version === 17 || version === 18) {
    if (program.length !== 20) return undefined;
    const payload = new Uint8Array(21);
    payload[0] = version === 17 ? params.p2pkh : params.p2sh;
    payload.set(program, 1);
    return createBase58check(sha256).encode(payload);
  }
  if (version < 0 || version > 16) return undefined;
  if (program.length < 2 || program.length > 40) return undefined;
  if (version === 0 && program.length !== 20 && program.length !== 32) return undefined;
  const words = [version, ...bech32.toWords(program)];
  return version === 0 ? bech32.encode(params.segwitHrp, words) : bech32m.encode(params.segwitHrp, words);
}
