/**
 * Validation of webhook endpoint input: URL, secrets, event types.
 */
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../domain/events.js';
import { ValidationError } from '../../errors.js';
import { decodeWebhookSecret } from '../webhook-secret.js';

/** An endpoint to add or configure. */
export interface WebhookEndpointInput {
  /** `https://…`; `http://` only with `allowInsecure`. */
  readonly url: string;
  /** `whsec_` + base64 of 24–64 bytes. Default (addEndpoint only) is a generated secret. */
  readonly secret?: string;
  /** Several secrets, newest first: all sign each delivery. */
  readonly secrets?: readonly string[];
  /** Event types to deliver. Default is all. */
  readonly events?: readonly WebhookEventType[];
  /** Allow plain http. Default is false. */
  readonly allowInsecure?: boolean;
  /** Allow private, loopback and link-local addresses. Default is false. */
  readonly allowPrivateNetwork?: boolean;
}

/** Validated endpoint fields. */
export interface ValidEndpoint {
  readonly url: string;
  readonly secrets: readonly string[] | undefined;
  readonly events: readonly WebhookEventType[] | null;
  readonly allowInsecure: boolean;
  readonly allowPrivateNetwork: boolean;
}

/**
 * Checks a `whsec_` secret of 24–64 bytes; never echoes it.
 * @throws {ValidationError}
 */
export function validateSecret(secret: unknown, field: string): string {
  if (typeof secret !== 'string' || !secret.startsWith('whsec_')) {
    throw new ValidationError(
      field,
      `expected a "whsec_…" secret, got ${typeof secret === 'string' ? 'a string without the whsec_ prefix' : typeof secret}`,
    );
  }
  let bytes: number;
  try {
    bytes = decodeWebhookSecret(secret).length;
  } catch (error) {
    throw new ValidationError(field, (error as Error).message, { cause: error });
  }
  if (bytes < 24 || bytes > 64) throw new ValidationError(field, `expected a secret of 24 to 64 bytes, got ${bytes}`);
  return secret;
}

const bool = (value: unknown, field: string): boolean => {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ValidationError(field, `expected a boolean, got ${typeof value}`);
  return value;
};

/**
 * Validates endpoint input.
 * @throws {ValidationError} bad URL, http without allowInsecure, bad secret, unknown event type
 */
export function validateEndpointInput(
  input: WebhookEndpointInput,
  options: { requireSecret: boolean; field?: string },
): ValidEndpoint {
  const f = (name: string): string => (options.field ? `${options.field}.${name}` : name);
  if (!input || typeof input !== 'object')
    throw new ValidationError(options.field ?? 'endpoint', `expected an object, got ${String(input)}`);
  const allowInsecure = bool(input.allowInsecure, f('allowInsecure'));
  const allowPrivateNetwork = bool(input.allowPrivateNetwork, f('allowPrivateNetwork'));
  let url: URL;
  try {
    url = new URL(String(input.url));
  } catch {
    throw new ValidationError(
      f('url'),
      `expected an absolute https URL, got ${JSON.stringify(String(input.url).slice(0, 100))}`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ValidationError(f('url'), `expected an https URL, got ${url.protocol}`);
  if (url.protocol === 'http:' && !allowInsecure)
    throw new ValidationError(f('url'), 'expected an https URL, got http (set allowInsecure to allow it)');
  if (url.hash) throw new ValidationError(f('url'), 'expected a URL without a #fragment');

  const given = [...(input.secret !== undefined ? [input.secret] : []), ...(input.secrets ?? [])];
  if (input.secrets !== undefined && !Array.isArray(input.secrets))
    throw new ValidationError(f('secrets'), 'expected an array of secrets');
  if (given.length === 0 && options.requireSecret)
    throw new ValidationError(f('secret'), 'expected a "whsec_…" secret for a configured endpoint, got none');
  const secrets =
    given.length === 0
      ? undefined
      : given.map((s, i) => validateSecret(s, input.secret !== undefined && i === 0 ? f('secret') : f('secrets')));
  if (secrets && new Set(secrets).size !== secrets.length)
    throw new ValidationError(f('secrets'), 'expected distinct secrets');

  let events: readonly WebhookEventType[] | null = null;
  if (input.events !== undefined) {
    if (!Array.isArray(input.events) || input.events.length === 0)
      throw new ValidationError(f('events'), 'expected a non-empty array of event types');
    for (const type of input.events) {
      if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)) {
        throw new ValidationError(
          f('events'),
          `expected one of ${WEBHOOK_EVENT_TYPES.join(', ')}, got ${JSON.stringify(type)}`,
        );
      }
    }
    events = [...new Set(input.events)];
  }
  return { url: url.href, secrets, events, allowInsecure, allowPrivateNetwork };
}
