/**
 * SSRF guard: which resolved addresses a webhook may connect to, and a DNS lookup that refuses
 * the others before any connection is made (so the checked address is the one connected to).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const RANGES_V4: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const RANGES_V6: ReadonlyArray<readonly [string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  // IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291): never a legitimate public target.
  ['::', 96, 'IPv4-compatible'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
];

let lists: { v4: Array<[BlockList, string]>; v6: Array<[BlockList, string]> } | undefined;

function blockLists(): NonNullable<typeof lists> {
  // Built on first use: nothing runs at import time.
  if (!lists) {
    const make = (family: 'ipv4' | 'ipv6', ranges: typeof RANGES_V4): Array<[BlockList, string]> =>
      ranges.map(([net, prefix, label]) => {
        const list = new BlockList();
        list.addSubnet(net, prefix, family);
        return [list, label];
      });
    lists = { v4: make('ipv4', RANGES_V4), v6: make('ipv6', RANGES_V6) };
  }
  return lists;
}

/**
 * Embedded IPv4 of NAT64 (64:ff9b::/96), 6to4 (2002::/16) and IPv4-compatible (::/96) addresses,
 * which BlockList does not map.
 */
function embeddedV4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:64:ff9b)?::(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex =
    /^(?:64:ff9b)?::([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower) ??
    /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4})(?::|$)/.exec(lower);
  if (!hex) return undefined;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/**
 * Why `address` must not be connected to ('private', 'loopback', 'link-local', …), or undefined
 * when it is a public address. IPv4-mapped IPv6 (`::ffff:10.0.0.1`) counts as its IPv4 address.
 */
export function blockedReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const { v4, v6 } = blockLists();
  if (family === 4) return v4.find(([list]) => list.check(address, 'ipv4'))?.[1];
  for (const [list, label] of v4) if (list.check(address, 'ipv6')) return label; // ::ffff:a.b.c.d
  const inner = embeddedV4(address);
  if (inner) {
    const reason = blockedReason(inner);
    if (reason) return reason;
  }
  return v6.find(([list]) => list.check(address, 'ipv6'))?.[1];
}

/** Error for a refused address; `code` is stable for logs. */
export class BlockedAddressError extends Error {
  readonly code = 'ADDRESS_BLOCKED';
  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refused to connect to ${address}: ${reason} address (set allowPrivateNetwork on the endpoint to allow)`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that resolves, then fails with {@link BlockedAddressError} when any
 * resolved address is blocked (unless `allowPrivate`). Node connects to the address it returns.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      if (!allowPrivate) {
        for (const { address } of list) {
          const reason = blockedReason(address);
          if (reason) return callback(new BlockedAddressError(address, reason) as NodeJS.ErrnoException, []);
        }
      }
      if (list.length === 0)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
