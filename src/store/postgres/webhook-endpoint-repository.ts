/**
 * The PostgreSQL webhook endpoint repository.
 */
import type { WebhookEndpointRecord, WebhookEndpointRepository } from '../store.js';
import { ENDPOINT_COLUMNS, insertSql, list, updateSql } from './columns.js';
import { conflict } from './errors.js';
import { run, runDynamic, statement, type RepositoryEnv, type Statement } from './repository-env.js';
import { toEndpoint } from './rows.js';

type EndpointPatch = Partial<Omit<WebhookEndpointRecord, 'id' | 'createdAt'>>;

function toSet(patch: EndpointPatch): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.secrets !== undefined) set.secrets = JSON.stringify(patch.secrets);
  if (patch.events !== undefined) set.events = patch.events === null ? null : JSON.stringify(patch.events);
  if (patch.allowInsecure !== undefined) set.allow_insecure = patch.allowInsecure;
  if (patch.allowPrivateNetwork !== undefined) set.allow_private_network = patch.allowPrivateNetwork;
  if (patch.isEnabled !== undefined) set.is_enabled = patch.isEnabled;
  if (patch.disabledReason !== undefined) set.disabled_reason = patch.disabledReason;
  if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
  return set;
}

/** The fixed statements of the endpoint repository in quoted schema `s`. */
export function endpointStatements(s: string): Readonly<Record<'insert' | 'byId' | 'all' | 'remove', Statement>> {
  const select = `SELECT ${list(ENDPOINT_COLUMNS)} FROM ${s}.webhook_endpoints`;
  return {
    insert: statement(insertSql(`${s}.webhook_endpoints`, ENDPOINT_COLUMNS)),
    byId: statement(`${select} WHERE id = $1`),
    all: statement(`${select} ORDER BY created_at ASC, id ASC`),
    remove: statement(`DELETE FROM ${s}.webhook_endpoints WHERE id = $1 RETURNING 1 AS ok`),
  };
}

/** Creates the webhook endpoint repository on `env`. */
export function createPostgresEndpointRepository(
  env: RepositoryEnv,
  sql: ReturnType<typeof endpointStatements>,
): WebhookEndpointRepository {
  return {
    async insert(e) {
      const rows = await run(env, sql.insert, [
        e.id,
        e.url,
        JSON.stringify(e.secrets),
        e.events === null ? null : JSON.stringify(e.events),
        e.allowInsecure,
        e.allowPrivateNetwork,
        e.isEnabled,
        e.disabledReason,
        e.createdAt,
        e.updatedAt,
      ]);
      if (rows.length === 0) throw conflict('webhook_endpoints', 'id');
    },
    async get(id) {
      const [row] = await run(env, sql.byId, [id]);
      return row && toEndpoint(row);
    },
    async list() {
      return (await run(env, sql.all, [])).map(toEndpoint);
    },
    async update(id, patch) {
      const { text, values } = updateSql(
        `${env.schema}.webhook_endpoints`,
        ENDPOINT_COLUMNS,
        id,
        toSet(patch),
        undefined,
      );
      const [row] = await runDynamic(env, text, values);
      return row && toEndpoint(row);
    },
    async remove(id) {
      return (await run(env, sql.remove, [id])).length > 0;
    },
  };
}
