/**
 * Go-style formatting of values that appear in LND's error texts, and network name mappings.
 */
import type { Bolt11Network } from '../../bolt11/index.js';
import type { SimNetworkName } from './types.js';

/** A time as Go's `%v` prints it in UTC, e.g. `2026-01-02 00:00:00 +0000 UTC`. */
export function goTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-01-02T00:00:00.000Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC`;
}

/** A float64 as Go's `%v` prints it (`%g` with the shortest precision), e.g. `3.1536e+07`. */
export function goFloat(value: number): string {
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-4)) {
    const [mantissa, exp] = value.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}

/** The BOLT11 prefix LND uses for a network (`tbs` for signet is LND's choice). */
export function bolt11Prefix(network: SimNetworkName): Bolt11Network {
  switch (network) {
    case 'mainnet':
      return 'bc';
    case 'testnet':
      return 'tb';
    case 'signet':
      return 'tbs';
    case 'regtest':
      return 'bcrt';
  }
}

/** btcd's chaincfg name of a network, as in LND's "invoice not for current active network" text. */
export function chainParamsName(network: SimNetworkName): string {
  return network === 'testnet' ? 'testnet3' : network;
}
