/**
 * What the running example shares with `pay-from-bob.ts`: bob's connection (the simulator's, made up
 * for this run) and the invoices ordered so far. Kept under .tmp/ (not committed), mode 600.
 */
import { join } from 'node:path';

/** Where the running shop writes its state. */
export const STATE_FILE = join(import.meta.dirname, '../../.tmp/express-checkout/state.json');

/** The content of {@link STATE_FILE}. */
export interface ShopState {
  readonly bob: { readonly socket: string; readonly certPem: string; readonly macaroonHex: string };
  /** BOLT11 of every order, oldest first. */
  readonly invoices: string[];
}
