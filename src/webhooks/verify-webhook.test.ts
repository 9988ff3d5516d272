import { describe, expect, it } from 'vitest';
import { signWebhook } from './sign-webhook.js';
import { verifyWebhook, type VerifyWebhookInput } from './verify-webhook.js';
import { WebhookVerificationError } from './webhook-verification-error.js';
import { isLightningError } from '../lightning-error.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const BODY =
  '{"type": "invoice.settled", "timestamp": "2026-01-01T00:00:00.000Z", "data": {"invoice_id": "inv_1", "amount_sats": 2432232314}}';

function signed(overrides: Partial<VerifyWebhookInput> = {}, timestamp = NOW): VerifyWebhookInput {
  const headers = signWebhook({ id: ID, timestamp, body: BODY, secret: SECRET });
  return { body: Buffer.from(BODY), headers, secret: SECRET, now: NOW * 1000, ...overrides };
}

describe('verifyWebhook', () => {
  it('accepts the Standard Webhooks vector (its body is not an lnkit event, so only the body check fails)', () => {
    const headers = {
      'webhook-id': ID,
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    // The signature matches: the error is about the body shape, not the signature.
    expect(() => verifyWebhook({ body: '{"test": 2432232314}', headers, secret: SECRET, now: 1614265330_000 })).toThrow(
      expect.objectContaining({ code: 'MALFORMED_BODY' }),
    );
    const wrapped = '{"type":"test","timestamp":"2021-02-25T15:02:10Z","data":{"test": 2432232314}}';
    const sig = signWebhook({ id: ID, timestamp: 1614265330, body: wrapped, secret: SECRET });
    expect(verifyWebhook({ body: wrapped, headers: sig, secret: SECRET, now: 1614265330_000 }).data).toEqual({
      test: 2432232314,
    });
  });

  it('returns id, type, timestamp and data of a valid webhook', () => {
    const event = verifyWebhook(signed());
    expect(event).toEqual({
      id: ID,
      type: 'invoice.settled',
      timestamp: new Date('2026-01-01T00:00:00Z'),
      data: { invoice_id: 'inv_1', amount_sats: 2432232314 },
    });
  });

  it('accepts fetch Headers, mixed-case objects, string and Uint8Array bodies', () => {
    const input = signed();
    const plain = input.headers as Record<string, string>;
    expect(verifyWebhook({ ...input, headers: new Headers(plain) }).id).toBe(ID);
    const upper = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook({ ...input, headers: upper }).id).toBe(ID);
    expect(verifyWebhook({ ...input, body: BODY }).id).toBe(ID);
    expect(verifyWebhook({ ...input, body: new TextEncoder().encode(BODY) }).id).toBe(ID);
  });

  it('rotation: any configured secret matches any v1 signature in the header; unknown versions are skipped', () => {
    const both = signWebhook({ id: ID, timestamp: NOW, body: BODY, secrets: [OTHER, SECRET] });
    expect(verifyWebhook({ ...signed(), headers: both, secret: SECRET }).id).toBe(ID);
    expect(verifyWebhook({ ...signed(), headers: both, secret: undefined, secrets: [OTHER] }).id).toBe(ID);
    const good = signWebhook({ id: ID, timestamp: NOW, body: BODY, secret: SECRET })['webhook-signature'];
    const mixed = { ...both, 'webhook-signature': `v2,abc v1a,xyz v1,${Buffer.alloc(32).toString('base64')} ${good}` };
    expect(verifyWebhook({ ...signed(), headers: mixed }).id).toBe(ID);
  });

  it('accepts timestamps exactly at the tolerance edge, both ways', () => {
    expect(verifyWebhook(signed({}, NOW - 300)).id).toBe(ID);
    expect(verifyWebhook(signed({}, NOW + 300)).id).toBe(ID);
  });

  const headersOf = (input: VerifyWebhookInput): Record<string, string> => ({
    ...(input.headers as Record<string, string>),
  });
  const without = (name: string): VerifyWebhookInput => {
    const input = signed();
    const headers = headersOf(input);
    delete headers[name];
    return { ...input, headers };
  };
  const withHeader = (name: string, value: string): VerifyWebhookInput => {
    const input = signed();
    return { ...input, headers: { ...headersOf(input), [name]: value } };
  };

  it.each<[string, () => VerifyWebhookInput, string]>([
    ['a tampered body', () => signed({ body: BODY.replace('2432232314', '2432232315') }), 'INVALID_SIGNATURE'],
    ['the same JSON re-serialized', () => signed({ body: JSON.stringify(JSON.parse(BODY)) }), 'INVALID_SIGNATURE'],
    ['a wrong secret', () => signed({ secret: OTHER }), 'INVALID_SIGNATURE'],
    ['a tampered id', () => withHeader('webhook-id', 'msg_other'), 'INVALID_SIGNATURE'],
    ['a stale timestamp (tolerance + 1 s)', () => signed({}, NOW - 301), 'TIMESTAMP_TOO_OLD'],
    ['a future timestamp (tolerance + 1 s)', () => signed({}, NOW + 301), 'TIMESTAMP_IN_FUTURE'],
    ['a missing webhook-id', () => without('webhook-id'), 'MISSING_HEADER'],
    ['a missing webhook-timestamp', () => without('webhook-timestamp'), 'MISSING_HEADER'],
    ['a missing webhook-signature', () => without('webhook-signature'), 'MISSING_HEADER'],
    ['no headers at all', () => ({ ...signed(), headers: {} }), 'MISSING_HEADER'],
    ['a non-numeric timestamp', () => withHeader('webhook-timestamp', `${NOW}abc`), 'MISSING_HEADER'],
    ['a negative timestamp', () => withHeader('webhook-timestamp', `-${NOW}`), 'MISSING_HEADER'],
    [
      'only unknown versions',
      () => withHeader('webhook-signature', 'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1a,abc'),
      'INVALID_SIGNATURE',
    ],
    ['a truncated signature', () => withHeader('webhook-signature', 'v1,g0hM9SsE+OTPJ'), 'INVALID_SIGNATURE'],
    ['an empty v1 value', () => withHeader('webhook-signature', 'v1,'), 'INVALID_SIGNATURE'],
    ['an empty secret', () => signed({ secret: '' }), 'INVALID_SECRET'],
    ['whsec_ alone', () => signed({ secret: 'whsec_' }), 'INVALID_SECRET'],
    ['no secret', () => signed({ secret: undefined }), 'INVALID_SECRET'],
    ['an empty secrets list', () => signed({ secret: undefined, secrets: [] }), 'INVALID_SECRET'],
    ['parsed JSON instead of the raw body', () => signed({ body: JSON.parse(BODY) }), 'MALFORMED_BODY'],
    ['a signed body that is not JSON', () => signedBody('not json'), 'MALFORMED_BODY'],
    [
      'a signed body without type',
      () => signedBody('{"timestamp":"2026-01-01T00:00:00Z","data":{}}'),
      'MALFORMED_BODY',
    ],
    [
      'a signed body with a bad timestamp',
      () => signedBody('{"type":"x","timestamp":"yesterday","data":{}}'),
      'MALFORMED_BODY',
    ],
    [
      'a signed body with array data',
      () => signedBody('{"type":"x","timestamp":"2026-01-01T00:00:00Z","data":[]}'),
      'MALFORMED_BODY',
    ],
  ])('rejects %s', (_name, make, code) => {
    let thrown: unknown;
    try {
      verifyWebhook(make());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WebhookVerificationError);
    expect(isLightningError(thrown)).toBe(true);
    expect((thrown as WebhookVerificationError).code).toBe(code);
  });

  it('rejects a negative tolerance as bad input', () => {
    expect(() => verifyWebhook(signed({ toleranceSeconds: -1 }))).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});

function signedBody(body: string): VerifyWebhookInput {
  const headers = signWebhook({ id: ID, timestamp: NOW, body, secret: SECRET });
  return { body, headers, secret: SECRET, now: NOW * 1000 };
}
