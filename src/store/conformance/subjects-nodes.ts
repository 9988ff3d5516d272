/**
 * The node subject of the table-driven Store rules: the nodes a store is bound to, keyed by pubkey.
 */
import type { NodePatch, NodeRecord } from '../store.js';
import { BIG_MSAT, T0, hex32 } from './fixtures.js';
import type { SubjectWith } from './subject.js';

/** A 33-byte compressed pubkey in hex (any 02/03 prefix; stores do not check the curve). */
export function makePubkey(): string {
  return `02${hex32()}`;
}

/** A complete node; every field can be overridden. */
export function makeNode(overrides: Partial<NodeRecord> = {}): NodeRecord {
  return {
    pubkey: makePubkey(),
    network: 'regtest',
    alias: 'alice ⚡',
    boundAt: new Date(T0),
    anchorAddIndex: 12n,
    anchorPaymentHash: hex32(),
    updatedAt: new Date(T0 + 1),
    ...overrides,
  };
}

/** `store.nodes`. */
export const nodeSubject: SubjectWith<'update', NodeRecord> = {
  name: 'nodes',
  keyOf: (row) => row.pubkey,
  make: makeNode,
  samples: () => [
    makeNode({ anchorAddIndex: BIG_MSAT, network: 'mainnet', boundAt: new Date(T0 - 1) }),
    makeNode({ network: null, alias: null, anchorAddIndex: null, anchorPaymentHash: null }),
    makeNode({ pubkey: `03${hex32()}`, alias: '' }),
  ],
  insert: (repos, row) => repos.nodes.insert(row),
  readers: [
    { label: 'get', read: (repos, row) => repos.nodes.get(row.pubkey) },
    { label: 'list', read: async (repos, row) => (await repos.nodes.list()).find((n) => n.pubkey === row.pubkey) },
  ],
  misses: (absent) => [
    { label: 'get', expected: undefined, call: (repos) => repos.nodes.get(absent.pubkey) },
    { label: 'update', expected: undefined, call: (repos) => repos.nodes.update(absent.pubkey, { alias: 'x' }) },
  ],
  conflicts: [{ label: 'duplicate pubkey', make: (first) => makeNode({ pubkey: first.pubkey }) }],
  lookalikes: [
    { label: 'same alias and anchor, another pubkey', make: (first) => ({ ...first, pubkey: makePubkey() }) },
  ],
  update: {
    apply: (repos, row, patch) => repos.nodes.update(row.pubkey, patch as NodePatch),
    keys: ['network', 'alias', 'anchorAddIndex', 'anchorPaymentHash', 'updatedAt'],
    change: (row) => ({
      network: row.network === 'testnet' ? 'signet' : 'testnet',
      alias: 'renamed',
      anchorAddIndex: (row.anchorAddIndex ?? 0n) + 1_000n,
      anchorPaymentHash: hex32(),
      updatedAt: new Date(T0 + 99),
    }),
    clear: { network: null, alias: null, anchorAddIndex: null, anchorPaymentHash: null },
  },
};
