import { describe, expect, it } from 'vitest';
import { createLightning } from '../create-lightning.js';
import type { EventNode } from '../domain/events.js';
import { createFixedRates } from '../rates/fixed.js';
import { createMemoryStore } from '../store/memory/index.js';
import { createFakeLnd } from '../testing/fake-lnd.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('several nodes: events and webhook bodies name the node (#16)', () => {
  it.each([
    ['two named nodes', true],
    ['a single client (unchanged: no node fields)', false],
  ])('%s', async (_what, multi) => {
    const fake = createFakeLnd();
    const store = createMemoryStore();
    const lightning = createLightning({
      lnd: multi ? { alice: fake.lnd, erin: fake.payer } : fake.payer,
      rates: createFixedRates('90000'),
      store,
      webhooks: { endpoints: [{ url: 'https://shop.example/hook', secret: SECRET }], dispatch: false },
    });
    await lightning.start();
    const nodes: (EventNode | undefined)[] = [];
    lightning.events.on('invoice.created', (e) => {
      nodes.push(e.node);
    });
    const invoice = await lightning.invoices.create({
      amountSat: 1000n,
      description: 'x',
      ...(multi ? { node: 'erin' } : {}),
    });
    const erin = (await fake.payer.getInfo()).pubkey;
    const [delivery] = (await lightning.webhooks.deliveries()).items;
    const event = await store.webhookOutbox.getEvent(delivery!.eventId);
    const body = JSON.parse(event!.body) as { type: string; data: Record<string, unknown> };
    expect(body.type).toBe('invoice.created');
    expect(body.data.invoice_id ?? body.data.id).toBe(invoice.id);
    if (multi) {
      expect(nodes).toEqual([{ pubkey: erin, name: 'erin' }]);
      expect(body.data).toMatchObject({ node_pubkey: erin, node_name: 'erin' });
      expect(invoice.nodeName).toBe('erin');
    } else {
      expect(nodes).toEqual([undefined]);
      expect(body.data).not.toHaveProperty('node_pubkey');
      expect(invoice).not.toHaveProperty('nodeName');
    }
    await lightning.stop();
  });
});
