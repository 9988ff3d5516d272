/**
 * The SQLite webhook endpoint repository. Secrets and event lists are JSON arrays in TEXT.
 */
import type { Updateable } from 'kysely';
import type { WebhookEndpointRecord, WebhookEndpointRepository } from '../store.js';
import type { SqliteContext } from './context.js';
import { ms, toEndpoint } from './rows.js';
import type { WebhookEndpointsTable } from './schema.js';

type EndpointPatch = Partial<Omit<WebhookEndpointRecord, 'id' | 'createdAt'>>;

function toSet(patch: EndpointPatch): Updateable<WebhookEndpointsTable> {
  const set: Updateable<WebhookEndpointsTable> = {};
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.secrets !== undefined) set.secrets = JSON.stringify(patch.secrets);
  if (patch.events !== undefined) set.events = patch.events === null ? null : JSON.stringify(patch.events);
  if (patch.allowInsecure !== undefined) set.allow_insecure = patch.allowInsecure ? 1 : 0;
  if (patch.allowPrivateNetwork !== undefined) set.allow_private_network = patch.allowPrivateNetwork ? 1 : 0;
  if (patch.isEnabled !== undefined) set.is_enabled = patch.isEnabled ? 1 : 0;
  if (patch.disabledReason !== undefined) set.disabled_reason = patch.disabledReason;
  if (patch.updatedAt !== undefined) set.updated_at = ms(patch.updatedAt);
  return set;
}

/** Creates the webhook endpoint repository on `ctx`. */
export function createSqliteEndpointRepository(ctx: SqliteContext): WebhookEndpointRepository {
  const { db } = ctx;
  return {
    async insert(e) {
      await db
        .insertInto('webhook_endpoints')
        .values({
          id: e.id,
          url: e.url,
          secrets: JSON.stringify(e.secrets),
          events: e.events === null ? null : JSON.stringify(e.events),
          allow_insecure: e.allowInsecure ? 1 : 0,
          allow_private_network: e.allowPrivateNetwork ? 1 : 0,
          is_enabled: e.isEnabled ? 1 : 0,
          disabled_reason: e.disabledReason,
          created_at: ms(e.createdAt),
          updated_at: ms(e.updatedAt),
        })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toEndpoint(row);
    },
    async list() {
      const rows = await db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
      return rows.map(toEndpoint);
    },
    async update(id, patch) {
      const set = toSet(patch);
      if (Object.keys(set).length === 0) return this.get(id);
      const row = await db.updateTable('webhook_endpoints').set(set).where('id', '=', id).returningAll().executeTakeFirst();
      return row && toEndpoint(row);
    },
    async remove(id) {
      const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
