import { describe, expect, it } from 'vitest';
import { signWebhook } from './sign-webhook.js';
import { decodeWebhookSecret, generateWebhookSecret } from './webhook-secret.js';

// The Standard Webhooks signing vector, shared by every reference library (references §1.7).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('signWebhook', () => {
  it('reproduces the Standard Webhooks vector', () => {
    const headers = signWebhook({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
      body: VECTOR.body,
      secret: VECTOR.secret,
    });
    expect(headers).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    });
  });

  it('signs bytes and strings alike, and accepts a Date and a secret without the prefix', () => {
    const fromBytes = signWebhook({
      ...VECTOR,
      body: new TextEncoder().encode(VECTOR.body),
      timestamp: new Date(VECTOR.timestamp * 1000 + 999),
    });
    expect(fromBytes['webhook-signature']).toBe(VECTOR.signature);
    expect(signWebhook({ ...VECTOR, secret: VECTOR.secret.slice(6) })['webhook-signature']).toBe(VECTOR.signature);
  });

  it('signs a Buffer slice of a shared pool by its own bytes only', () => {
    const pooled = Buffer.from(`xxxx${VECTOR.body}yyyy`).subarray(4, 4 + VECTOR.body.length);
    expect(signWebhook({ ...VECTOR, body: pooled })['webhook-signature']).toBe(VECTOR.signature);
  });

  it('re-serialized JSON signs differently (the documented pitfall)', () => {
    const reserialized = JSON.stringify(JSON.parse(VECTOR.body));
    expect(signWebhook({ ...VECTOR, body: reserialized })['webhook-signature']).toBe(
      'v1,Vif40peJBP7Iyl0XGmu61n4MwdrcHov5CFREBpE0svs=',
    );
  });

  it('puts one signature per secret in the header, newest first', () => {
    const other = generateWebhookSecret();
    const { 'webhook-signature': header } = signWebhook({
      ...VECTOR,
      secret: undefined,
      secrets: [other, VECTOR.secret],
    });
    const parts = header.split(' ');
    expect(parts).toHaveLength(2);
    expect(parts[1]).toBe(VECTOR.signature);
    expect(parts[0]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it.each([
    ['an empty secret', { secret: '' }, 'INVALID_SECRET'],
    ['whsec_ alone', { secret: 'whsec_' }, 'INVALID_SECRET'],
    ['a non-base64 secret', { secret: 'whsec_not base64!' }, 'INVALID_SECRET'],
    ['no secret', { secret: undefined }, 'INVALID_SECRET'],
    ['an id with a dot', { id: 'msg.1' }, 'INVALID_INPUT'],
    ['an empty id', { id: '' }, 'INVALID_INPUT'],
    ['a fractional timestamp', { timestamp: 1.5 }, 'INVALID_INPUT'],
    ['a negative timestamp', { timestamp: -1 }, 'INVALID_INPUT'],
  ])('rejects %s', (_name, patch, code) => {
    expect(() => signWebhook({ ...VECTOR, ...patch })).toThrow(expect.objectContaining({ code }));
  });

  it('never puts the secret into an error message', () => {
    const secret = 'whsec_this-is-not-base64-but-secret';
    try {
      decodeWebhookSecret(secret);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('this-is-not');
    }
  });

  it('generates 32-byte secrets by default and refuses sizes outside 24–64', () => {
    expect(decodeWebhookSecret(generateWebhookSecret())).toHaveLength(32);
    expect(() => generateWebhookSecret(16)).toThrow(expect.objectContaining({ code: 'INVALID_SECRET' }));
  });
});
