/**
 * The SQLite webhook endpoint repository. Secrets and event lists are JSON arrays in TEXT.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { WebhookEndpointRecord, WebhookEndpointRepository } from '../store.js';
import { insertSql, updateSql, type SqliteContext } from './context.js';
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

type Row = Selectable<WebhookEndpointsTable>;

const INSERT = insertSql('webhook_endpoints', [
  'id',
  'url',
  'secrets',
  'events',
  'allow_insecure',
  'allow_private_network',
  'is_enabled',
  'disabled_reason',
  'created_at',
  'updated_at',
]);
const BY_ID = 'SELECT * FROM webhook_endpoints WHERE id = ?';
const ALL = 'SELECT * FROM webhook_endpoints ORDER BY created_at ASC, id ASC';
const REMOVE = 'DELETE FROM webhook_endpoints WHERE id = ?';

function toRow(e: WebhookEndpointRecord): Insertable<WebhookEndpointsTable> {
  return {
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
  };
}

/** Creates the webhook endpoint repository on `ctx`. */
export function createSqliteEndpointRepository(ctx: SqliteContext): WebhookEndpointRepository {
  return {
    async insert(endpoint) {
      const row = toRow(endpoint);
      await ctx.hold(() => ctx.statement(INSERT).run(row));
    },
    async get(id) {
      const row = await ctx.hold(() => ctx.statement(BY_ID).get(id) as Row | undefined);
      return row && toEndpoint(row);
    },
    async list() {
      const rows = await ctx.hold(() => ctx.statement(ALL).all() as Row[]);
      return rows.map(toEndpoint);
    },
    async update(id, patch) {
      const { sql, params } = updateSql('webhook_endpoints', toSet(patch), undefined);
      const row = await ctx.hold(() => ctx.statement(sql).get({ ...params, id }) as Row | undefined);
      return row && toEndpoint(row);
    },
    async remove(id) {
      const result = await ctx.hold(() => ctx.statement(REMOVE).run(id));
      return result.changes > 0;
    },
  };
}
