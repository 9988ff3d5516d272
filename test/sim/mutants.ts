/**
 * Deliberately broken lnkit variants, each injected from outside (a wrapper around a port or the
 * instance), never by editing src/: the proof that each invariant catches the bug it names.
 */
import type { Lightning } from '../../src/create-lightning.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import type { Repositories, Store } from '../../src/store/store.js';
import type { InvariantName } from './invariants.js';
import type { World } from './world.js';

/** A broken variant: wrappers applied when the world is built. */
export interface Mutant {
  readonly name: string;
  /** What is broken, in one line. */
  readonly bug: string;
  /** The invariant that must catch it. */
  readonly caughtBy: InvariantName;
  readonly wrapLnd?: (lnd: LndClient) => LndClient;
  readonly wrapStore?: (store: Store, world: World) => Store;
  readonly wrapLightning?: (lightning: Lightning, world: World) => Lightning;
}

type Patch = (repos: Repositories) => Partial<{ [K in keyof Repositories]: Partial<Repositories[K]> }>;

/** `store` with some repository methods replaced, at the top level and inside every transaction. */
function patchStore(store: Store, patch: Patch): Store {
  const apply = (repos: Repositories): Repositories => {
    const changes = patch(repos);
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(repos) as (keyof Repositories)[]) {
      const repo = repos[name] as unknown as Record<string, unknown>;
      out[name] = changes[name] ? { ...repo, ...(changes[name] as object) } : repo;
    }
    return out as unknown as Repositories;
  };
  return {
    ...store,
    ...apply(store),
    transaction: (fn) => store.transaction((tx) => fn(apply(tx))),
  } as Store;
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'reconcileSkipsFirstInvoice',
    bug: 'the reconcile drops the first invoice of every ListInvoices page',
    caughtBy: 'settledRecordedOnce',
    wrapLnd: (lnd) => ({
      ...lnd,
      async listInvoices(input) {
        const page = await lnd.listInvoices(input);
        return { ...page, invoices: page.invoices.slice(1) };
      },
    }),
  },
  {
    name: 'payWithoutIdempotencyCheck',
    bug: 'pay() never finds the stored payment for its key or hash, and a conflicting insert is ignored',
    caughtBy: 'noDoubleSend',
    wrapStore: (store) =>
      patchStore(store, (repos) => ({
        payments: {
          getByIdempotencyKey: async () => undefined,
          getByPaymentHash: async (hash, direction) =>
            direction === 'out' ? undefined : repos.payments.getByPaymentHash(hash, direction),
          insert: async (payment) => {
            try {
              await repos.payments.insert(payment);
            } catch (error) {
              if (payment.direction !== 'out') throw error;
            }
          },
        },
      })),
  },
  {
    name: 'randomWebhookId',
    bug: 'the webhook-id is made fresh at every attempt instead of being the event id',
    caughtBy: 'webhooksDelivered',
    wrapStore: (store, world) =>
      patchStore(store, (repos) => ({
        webhookOutbox: {
          getEvent: async (id) => {
            const event = await repos.webhookOutbox.getEvent(id);
            return event && { ...event, id: `msg_${world.prng.hex(12)}` };
          },
        },
      })),
  },
  {
    name: 'sweeperExpiresSettled',
    bug: 'the expiry sweeper lists every invoice past its expiry and updates it without checking its status',
    caughtBy: 'statesAlongMachine',
    wrapStore: (store) =>
      patchStore(store, (repos) => ({
        invoices: {
          listExpired: async (now, limit) => {
            const page = await repos.invoices.list({ limit: 1000 });
            return page.items
              .filter((i) => i.expiresAt.getTime() <= now.getTime() && i.status !== 'expired')
              .slice(0, limit);
          },
          update: (id, patch, options) =>
            repos.invoices.update(id, patch, patch.status === 'expired' ? undefined : options),
        },
      })),
  },
  {
    name: 'preimageInErrors',
    bug: 'a failed settleHold puts the preimage in its error message',
    caughtBy: 'noSecretLeaks',
    wrapLightning: (lightning) => ({
      ...lightning,
      invoices: {
        ...lightning.invoices,
        settleHold: (id, preimage) =>
          lightning.invoices.settleHold(id, preimage).catch((error: unknown) => {
            throw new Error(`settleHold(${id}, ${preimage}) failed: ${(error as Error).message}`);
          }),
      },
    }),
  },
];
