/**
 * Deliberately broken lnkit variants, each injected from outside (a wrapper around a port or the
 * instance), never by editing src/: the proof that each invariant catches the bug it names.
 */
import type { Lightning } from '../../src/create-lightning.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import type { Store } from '../../src/store/store.js';
import type { InvariantName } from './invariants.js';
import type { World } from './world.js';

/** A broken variant: wrappers applied when the world is built. */
export interface Mutant {
  readonly name: string;
  /** The invariant that must catch it. */
  readonly caughtBy: InvariantName;
  readonly wrapLnd?: (lnd: LndClient) => LndClient;
  readonly wrapStore?: (store: Store, world: World) => Store;
  readonly wrapLightning?: (lightning: Lightning, world: World) => Lightning;
}

export const MUTANTS: readonly Mutant[] = [];
