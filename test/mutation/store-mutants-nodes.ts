/**
 * Store mutants for node identity (#10): the nodes repository in the rule table and its own cases,
 * the node of invoice and payment rows, and `checkpoints.reset`.
 */
import { missRule, ownCopyRule, roundTripRule, uniqueRule } from '../../src/store/conformance/rules-rows.js';
import { patchRule } from '../../src/store/conformance/rules-updates.js';
import { ruleCaseName } from '../../src/store/conformance/subject.js';
import type { NodeRecord, Repositories } from '../../src/store/store.js';
import {
  everyRow,
  ignoreConflicts,
  missingAsNull,
  mutant,
  patch,
  statefulMutant,
  wrapAll,
  type StoreMutant,
} from './store-toolkit.js';

const NODES = 'nodes';
const name = (rule: { readonly title: string }, subject: string) => ruleCaseName(rule, { name: subject });
const C = {
  list: 'nodes: list is oldest bound first (boundAt, then pubkey)',
  adopt: 'nodes: adoptRows stamps invoices and payments without a node, leaves other nodes’ rows, returns the count',
  reset: 'checkpoints: reset stores the value as is, also lower; advance goes on from there',
  names: 'nodes: a name is kept with its node, absent when never given, and can be given later (#16)',
} as const;

type Rewrite = (repos: Repositories) => Repositories;

/** Applies `map` to every node record the nodes repository returns. */
function mapNodes(map: (node: NodeRecord) => NodeRecord): Rewrite {
  const each = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(each);
    if (typeof value === 'object' && value !== null && 'pubkey' in value) return map(value as NodeRecord);
    return value;
  };
  return wrapAll(
    NODES,
    (original) =>
      async (...args) =>
        each(await original(...args)),
  );
}

/** Drops `nodePubkey` from every row `repo` returns (a store without the column). */
function dropsNodePubkey(repo: 'invoices' | 'payments'): Rewrite {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null) return value;
    const record = value as { items?: unknown; nodePubkey?: unknown };
    if (Array.isArray(record.items)) return { ...record, items: record.items.map(strip) };
    if (!('nodePubkey' in record)) return value;
    const { nodePubkey: _dropped, ...rest } = record;
    return rest;
  };
  return wrapAll(
    repo,
    (original) =>
      async (...args) =>
        strip(await original(...args)),
  );
}

/** An identity map by pubkey: the store hands back the very objects it was given. */
function sharesNodeObjects(): Rewrite {
  const kept = new Map<string, object>();
  const remember = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(remember);
    if (typeof value !== 'object' || value === null || !('pubkey' in value)) return value;
    const key = (value as NodeRecord).pubkey;
    const known = kept.get(key);
    if (known) return known;
    kept.set(key, value);
    return value;
  };
  return wrapAll(NODES, (original) => async (...args) => {
    args.forEach(remember);
    return remember(await original(...args));
  });
}

/** After `adoptRows(p)`, every invoice read reports node `p`, also the rows of other nodes. */
function adoptsEveryRow(): Rewrite {
  let adopted: string | undefined;
  const claim = (value: unknown): unknown =>
    adopted !== undefined && typeof value === 'object' && value !== null && 'paymentHash' in value
      ? { ...value, nodePubkey: adopted }
      : value;
  return (repos) => ({
    ...patch(NODES, 'adoptRows', (o) => async (pubkey) => {
      adopted = pubkey;
      return o(pubkey);
    })(repos),
    invoices: { ...repos.invoices, get: async (id) => claim(await repos.invoices.get(id)) as never },
  });
}

/** The node mutants. */
export const nodeMutants: readonly StoreMutant[] = [
  // The rule table.
  mutant(
    `${NODES}: anchorAddIndex comes back as a JS number`,
    [name(roundTripRule, NODES)],
    mapNodes((n) => ({ ...n, anchorAddIndex: n.anchorAddIndex === null ? null : (Number(n.anchorAddIndex) as never) })),
  ),
  mutant(
    `${NODES}: a null network comes back as ''`,
    [name(roundTripRule, NODES)],
    mapNodes((n) => ({ ...n, network: n.network ?? '' })),
  ),
  mutant(`${NODES}: not found is null`, [name(missRule, NODES)], missingAsNull(NODES)),
  mutant(`${NODES}: a duplicate pubkey is silently ignored`, [name(uniqueRule, NODES)], ignoreConflicts(NODES)),
  statefulMutant(`${NODES}: keeps and returns the caller's objects`, [name(ownCopyRule, NODES)], () =>
    sharesNodeObjects(),
  ),
  mutant(
    `${NODES}: update cannot clear a field (null is ignored)`,
    [name(patchRule, NODES)],
    patch(NODES, 'update', (o) => async (pubkey, p) => {
      const kept = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null));
      return o(pubkey, kept);
    }),
  ),
  mutant('invoices: nodePubkey is not stored', [name(roundTripRule, 'invoices'), C.adopt], dropsNodePubkey('invoices')),
  mutant('payments: nodePubkey is not stored', [name(roundTripRule, 'payments'), C.adopt], dropsNodePubkey('payments')),
  // The nodes cases.
  mutant(
    `${NODES}: list is newest first`,
    [C.list],
    patch(NODES, 'list', (o) => async () => [...(await o())].reverse()),
  ),
  mutant(
    `${NODES}: list is ordered by pubkey only`,
    [C.list],
    patch(NODES, 'list', (o) => async () => [...(await o())].sort((a, b) => (a.pubkey < b.pubkey ? -1 : 1))),
  ),
  mutant(
    `${NODES}: adoptRows counts the rows but stamps none`,
    [C.adopt],
    patch(NODES, 'adoptRows', (_o, repos) => async () => {
      const invoices = await everyRow((q) => repos.invoices.list(q));
      const payments = await everyRow((q) => repos.payments.list(q));
      return [...invoices, ...payments].filter((r) => r.nodePubkey === undefined).length;
    }),
  ),
  mutant(
    `${NODES}: adoptRows reports no rows`,
    [C.adopt],
    patch(NODES, 'adoptRows', (o) => async (pubkey) => {
      await o(pubkey);
      return 0;
    }),
  ),
  statefulMutant(`${NODES}: adoptRows takes rows of other nodes too`, [C.adopt], adoptsEveryRow),
  mutant(
    `${NODES}: the name is not stored`,
    [C.names],
    mapNodes((n) => {
      const { name: _dropped, ...rest } = n;
      return rest as NodeRecord;
    }),
  ),
  mutant(
    `${NODES}: update ignores a new name`,
    [C.names],
    patch(NODES, 'update', (o) => async (pubkey, p) => {
      const { name: _ignored, ...rest } = p as typeof p & { name?: string };
      return o(pubkey, rest);
    }),
  ),
  // Checkpoints.
  mutant(
    'checkpoints: reset never moves a checkpoint back (it is advance)',
    [C.reset],
    patch('checkpoints', 'reset', (_o, repos) => (key, value) => repos.checkpoints.advance(key, value)),
  ),
];
