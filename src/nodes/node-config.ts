/**
 * The `lnd` option of createLightning: one client (as before #16) or a record of named clients
 * (`{ alice: lndA, erin: lndB }`). Normalized here into an ordered list; the first entry is the
 * primary node (the one that adopts rows written before stores knew their node, and runs rebalancing).
 */
import { ValidationError } from '../errors.js';
import type { LndClient } from '../lnd/lnd-client.js';

/** `createLightning`'s `lnd`: one client, or several by name. */
export type LndConfig = LndClient | Readonly<Record<string, LndClient>>;

/** One configured node. */
export interface NodeEntry {
  /** The configured name; null for a single client. */
  readonly name: string | null;
  readonly client: LndClient;
}

/** Node names: what fits a metric label, a CLI flag and a log line. */
const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/i;
/** More nodes than this behind one lnkit is a configuration mistake rather than a shop. */
export const MAX_NODES = 16;

const isClient = (value: unknown): value is LndClient =>
  typeof value === 'object' && value !== null && typeof (value as LndClient).getInfo === 'function';

/**
 * Normalizes the `lnd` option.
 * @throws {ValidationError} on anything but a client or a non-empty record of distinct clients under valid names
 */
export function normalizeLndConfig(lnd: unknown): { readonly entries: readonly NodeEntry[]; readonly multi: boolean } {
  if (isClient(lnd)) return { entries: [{ name: null, client: lnd }], multi: false };
  if (typeof lnd !== 'object' || lnd === null || Array.isArray(lnd))
    throw new ValidationError('lnd', `expected an LND client or a record of named clients, got ${typeof lnd}`);
  const entries: NodeEntry[] = [];
  for (const [name, client] of Object.entries(lnd)) {
    if (!NAME.test(name))
      throw new ValidationError(
        'lnd',
        `expected node names of letters, digits, - and _ (1 to 32), got ${JSON.stringify(name.slice(0, 40))}`,
      );
    if (!isClient(client)) throw new ValidationError(`lnd.${name}`, 'expected an LND client (createLndClient(…))');
    const twin = entries.find((e) => e.client === client);
    if (twin)
      throw new ValidationError(
        `lnd.${name}`,
        `expected one client per node, got the client of ${twin.name} again: a node has one name`,
      );
    entries.push({ name, client });
  }
  if (entries.length === 0) throw new ValidationError('lnd', 'expected at least one node, got an empty record');
  if (entries.length > MAX_NODES)
    throw new ValidationError('lnd', `expected at most ${MAX_NODES} nodes, got ${entries.length}`);
  const lower = new Set(entries.map((e) => e.name!.toLowerCase()));
  if (lower.size !== entries.length)
    throw new ValidationError('lnd', 'expected node names that differ in more than letter case');
  return { entries, multi: true };
}
