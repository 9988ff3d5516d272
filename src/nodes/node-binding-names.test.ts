import { describe, expect, it } from 'vitest';
import { systemClock } from '../domain/clock.js';
import { silentLogger } from '../logger.js';
import { createMemoryStore } from '../store/memory/index.js';
import { checkpointNames } from '../settlement/checkpoint-names.js';
import { createNodeBinding } from '../settlement/node-binding.js';
import { createFakeLnd } from '../testing/fake-lnd.js';
import type { LndClient } from '../lnd/lnd-client.js';
import type { Store } from '../store/store.js';

const bind = async (lnd: LndClient, store: Store, name: string | undefined, multi = true): Promise<string | null> => {
  const binding = createNodeBinding({
    lnd,
    store,
    clock: systemClock,
    logger: silentLogger,
    ...(name ? { name } : {}),
    multi,
  });
  await binding.bind(await lnd.getInfo());
  return binding.pubkey();
};

async function setup() {
  const fake = createFakeLnd();
  const store = createMemoryStore();
  await store.migrate();
  const alice = await fake.lnd.getInfo();
  const bob = await fake.payer.getInfo();
  return { fake, store, alice, bob };
}

describe('node binding by name (#16)', () => {
  it('binds each named node; a node added later starts from its own cold-start cursors', async () => {
    const { fake, store, alice, bob } = await setup();
    await fake.payer.addInvoice({ valueMsat: 1_000n, memo: 'bob history' });
    await bind(fake.lnd, store, 'alice');
    await bind(fake.payer, store, 'erin');
    const nodes = await store.nodes.list();
    // list() orders by boundAt, then pubkey: two binds in one millisecond come in pubkey order.
    const byName = [...nodes].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
    expect(byName.map((n) => [n.name, n.pubkey])).toEqual([
      ['alice', alice.pubkey],
      ['erin', bob.pubkey],
    ]);
    expect(await store.checkpoints.get(checkpointNames(bob.pubkey).add)).toBe(1n);
    // Binding again changes nothing.
    await bind(fake.payer, store, 'erin');
    expect(await store.nodes.list()).toEqual(nodes);
  });

  it.each([
    ['a name moved to another node', 'alice', 'payer'],
    ['a known node under another name', 'shop', 'lnd'],
  ] as const)('refuses %s with NODE_NAME_MISMATCH and writes nothing', async (_what, name, which) => {
    const { fake, store } = await setup();
    await bind(fake.lnd, store, 'alice');
    const before = await store.nodes.list();
    const error = await bind(fake[which], store, name).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NODE_NAME_MISMATCH', nodeName: name });
    expect(await store.nodes.list()).toEqual(before);
  });

  it('a single client still refuses a store of another node; a store of a single client takes a name once', async () => {
    const { fake, store, alice } = await setup();
    await bind(fake.lnd, store, undefined, false);
    await expect(bind(fake.payer, store, undefined, false)).rejects.toMatchObject({ code: 'STORE_NODE_MISMATCH' });
    expect(await bind(fake.lnd, store, 'alice')).toBe(alice.pubkey);
    expect((await store.nodes.list())[0]).toMatchObject({ pubkey: alice.pubkey, name: 'alice' });
    // A single client on a named store is its node, whatever the name.
    expect(await bind(fake.lnd, store, undefined, false)).toBe(alice.pubkey);
  });
});
