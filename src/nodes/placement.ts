/**
 * Where a new invoice goes when lnkit runs several nodes: a policy over the nodes that are up.
 * Pure: the registry gathers the candidates (with their receivable inbound), this picks one.
 */
import { InsufficientInboundError, ValidationError } from '../errors.js';

/** A node that can take the invoice, as a placement function sees it. */
export interface PlacementCandidate {
  /** The configured name. */
  readonly name: string;
  readonly pubkey: string;
  /** What the node's active channels can receive in total (sat), after the peers' reserves. */
  readonly inboundSat: bigint;
  /** The most one active channel can receive (sat). */
  readonly maxChannelInboundSat: bigint;
}

/** What a placement function is given. */
export interface PlacementRequest {
  /** The invoice amount in sat (rounded up). */
  readonly amountSat: bigint;
  /** The nodes that are up, in configuration order. */
  readonly candidates: readonly PlacementCandidate[];
}

/**
 * How new invoices are placed: `'inbound'` (default: the node with the most receivable inbound among
 * those that can receive the amount), `'round-robin'` (in turn over the nodes that are up), a node
 * name (always that node), or a function returning a candidate's name.
 */
export type PlacementPolicy = 'inbound' | 'round-robin' | (string & {}) | ((request: PlacementRequest) => string);

/**
 * Picks a node for `request` by `policy`. `turn` is the round-robin counter (the caller increments it).
 * @throws {InsufficientInboundError} with 'inbound' when no candidate can receive the amount
 * @throws {ValidationError} when a placement function returns a name that is not a candidate
 */
export function choosePlacement(policy: PlacementPolicy, request: PlacementRequest, turn: number): PlacementCandidate {
  const { candidates, amountSat } = request;
  if (typeof policy === 'function') {
    const name = policy(request);
    const found = candidates.find((c) => c.name === name);
    if (!found)
      throw new ValidationError(
        'placement',
        `expected the placement function to return one of ${candidates.map((c) => c.name).join(', ')}, got ${JSON.stringify(String(name).slice(0, 40))}`,
      );
    return found;
  }
  if (policy === 'round-robin') return candidates[turn % candidates.length]!;
  if (policy !== 'inbound') {
    const found = candidates.find((c) => c.name === policy);
    if (!found) throw new ValidationError('placement', `node ${policy} is not up`);
    return found;
  }
  let best: PlacementCandidate | null = null;
  for (const c of candidates) if (c.inboundSat >= amountSat && (!best || c.inboundSat > best.inboundSat)) best = c;
  if (best) return best;
  const most = candidates.reduce((a, b) => (b.inboundSat > a.inboundSat ? b : a));
  throw new InsufficientInboundError(amountSat, most.inboundSat, most.maxChannelInboundSat);
}

/**
 * Checks the `placement` option against the configured node names (none with a single client).
 * @throws {ValidationError} on anything but `'inbound'`, `'round-robin'`, a configured name or a function
 */
export function validatePlacementPolicy(policy: unknown, names: readonly string[]): void {
  if (policy === undefined || policy === 'inbound' || policy === 'round-robin' || typeof policy === 'function') return;
  if (typeof policy === 'string' && names.includes(policy)) return;
  const choices = ["'inbound'", "'round-robin'", ...names.map((n) => `'${n}'`), 'a function'].join(', ');
  throw new ValidationError(
    'placement',
    `expected one of ${choices}, got ${typeof policy === 'string' ? JSON.stringify(policy.slice(0, 40)) : typeof policy}`,
  );
}
