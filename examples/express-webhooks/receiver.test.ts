import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, type VerifiedWebhook } from 'lnkit/webhooks';
import { createReceiver } from './receiver.js';

const secret = generateWebhookSecret();
const seen: VerifiedWebhook[] = [];
let failNext = false;
const server = createReceiver({
  secrets: [secret],
  onEvent(event) {
    if (failNext) {
      failNext = false;
      throw new Error('database down');
    }
    seen.push(event);
  },
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lnkit-webhooks`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const body = JSON.stringify({
  type: 'invoice.settled',
  timestamp: '2026-01-15T10:31:12.000Z',
  data: { invoice_id: 'inv_1' },
});
const post = (id: string, payload = body, key = secret) =>
  fetch(url, {
    method: 'POST',
    headers: { ...signWebhook({ id, timestamp: new Date(), body, secret: key }), 'content-type': 'application/json' },
    body: payload,
  });

describe('example receiver', () => {
  it('verifies, processes once, and answers 200 to duplicates', async () => {
    expect((await post('msg_1')).status).toBe(204);
    expect((await post('msg_1')).status).toBe(200);
    expect(seen.map((e) => e.id)).toEqual(['msg_1']);
  });

  it('rejects a tampered body and a wrong secret with 400 and the code', async () => {
    const tampered = await post('msg_2', body.replace('inv_1', 'inv_2'));
    expect([tampered.status, await tampered.text()]).toEqual([400, 'INVALID_SIGNATURE']);
    expect((await post('msg_3', body, generateWebhookSecret())).status).toBe(400);
  });

  it('answers 500 when the handler fails, then processes the retry', async () => {
    failNext = true;
    expect((await post('msg_4')).status).toBe(500);
    expect((await post('msg_4')).status).toBe(204);
    expect(seen.map((e) => e.id)).toContain('msg_4');
  });
});
