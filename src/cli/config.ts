/**
 * CLI configuration: flags first, then the environment. Connection: `--lndconnect`, else
 * `--host`/`--cert`/`--macaroon` (each falling back to its variable), else LNDCONNECT, else
 * LIGHTNING_HOST, LIGHTNING_CERT_PATH, LIGHTNING_MACAROON_PATH. Store: `--db` > LIGHTNING_DB >
 * ./lnkit.db. Rate: `--rate` > LIGHTNING_FIXED_RATE > live sources. The older names in
 * {@link ENV_ALIASES} are read too, after the LIGHTNING_* name.
 */
import { ValidationError } from '../errors.js';

/** The options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  readonly json?: boolean;
  readonly lndconnect?: string;
  readonly host?: string;
  readonly cert?: string;
  readonly macaroon?: string;
  readonly db?: string;
  readonly rate?: string;
  /** Deadline of each LND call, in seconds. */
  readonly timeout?: number;
  /**
   * Several nodes (#16): the node to act on, one of LIGHTNING_NODES; its connection is read from
   * `LNDCONNECT_<NAME>`, else `LIGHTNING_<NAME>_HOST`, `_CERT_PATH`, `_MACAROON_PATH`.
   */
  readonly node?: string;
}

/** The environment variables the CLI reads (process.env, or a record in tests). */
export type CliEnv = Readonly<Record<string, string | undefined>>;

/** How to reach LND: the `createLndClient` input, the socket for messages, and the secrets to keep out of output. */
export interface ConnectionSettings {
  readonly client:
    | { readonly lndconnect: string; readonly timeoutMs: number; readonly maxRetries: number }
    | {
        readonly socket: string;
        readonly cert: string;
        readonly macaroon: string;
        readonly timeoutMs: number;
        readonly maxRetries: number;
      };
  /** `host:port`, for "LND unreachable at …" messages. */
  readonly socket: string;
  /** Strings that must never be printed (inline macaroons, the lndconnect URI and its macaroon). */
  readonly secrets: readonly string[];
}

/** Default gRPC socket when only cert and macaroon are configured (LND's default). */
export const DEFAULT_LND_SOCKET = 'localhost:10009';
/** Default SQLite file. */
export const DEFAULT_DB = './lnkit.db';
/** Default deadline of each LND call. */
export const DEFAULT_TIMEOUT_SECONDS = 15;
/** Retries of idempotent LND calls: one quick retry, so a down node is reported within a second or two. */
const CLI_MAX_RETRIES = 1;

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/**
 * lnkit's settings are named LIGHTNING_*; these older names, used by earlier docs and tests, are
 * accepted as aliases (the LIGHTNING_* name wins when both are set).
 */
export const ENV_ALIASES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  LIGHTNING_HOST: ['LND_SOCKET'],
  LIGHTNING_CERT_PATH: ['LND_CERT_PATH', 'LND_CERT'],
  LIGHTNING_MACAROON_PATH: ['LND_MACAROON_PATH', 'LND_MACAROON'],
  LIGHTNING_DB: ['LNKIT_DB'],
});

/** The first non-empty of `name` and its aliases in `env`. */
export function envSetting(env: CliEnv, name: string): string | undefined {
  for (const key of [name, ...(ENV_ALIASES[name] ?? [])]) {
    const value = nonEmpty(env[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function socketOfLndconnect(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.hostname}:${url.port === '' ? '10009' : url.port}`;
  } catch {
    return 'the lndconnect address';
  }
}

function secretsOfLndconnect(uri: string): string[] {
  const secrets = [uri];
  try {
    const macaroon = new URL(uri).searchParams.get('macaroon');
    if (macaroon) secrets.push(macaroon, macaroon.replace(/ /g, '+'));
  } catch {
    // An unparsable URI is rejected by createLndClient; the whole string is redacted anyway.
  }
  return secrets;
}

/** Node names: as `createLightning({ lnd: { … } })` accepts them. */
const NODE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/i;

/**
 * The node names of LIGHTNING_NODES (`alice,erin`), in order; empty when unset.
 * @throws {ValidationError} on a malformed name
 */
export function resolveNodeNames(env: CliEnv): string[] {
  const raw = nonEmpty(env.LIGHTNING_NODES);
  if (raw === undefined) return [];
  const names = raw.split(',').map((n) => n.trim());
  for (const name of names)
    if (!NODE_NAME.test(name))
      throw new ValidationError(
        'LIGHTNING_NODES',
        `expected node names of letters, digits, - and _ separated by commas, got ${JSON.stringify(name.slice(0, 40))}`,
      );
  return names;
}

/**
 * The node a command acts on: `--node`, checked against LIGHTNING_NODES; else, when only
 * LIGHTNING_NODES names the connection (no flag, no LNDCONNECT/LIGHTNING_HOST…), its first node;
 * else null (the single connection of before #16).
 * @throws {ValidationError} for a name LIGHTNING_NODES does not list
 */
export function resolveNodeName(options: GlobalOptions, env: CliEnv): string | null {
  const names = resolveNodeNames(env);
  const pinned = nonEmpty(options.node);
  if (pinned !== undefined) {
    if (names.length > 0 && !names.includes(pinned))
      throw new ValidationError(
        '--node',
        `expected one of ${names.join(', ')} (LIGHTNING_NODES), got ${JSON.stringify(pinned.slice(0, 40))}`,
      );
    if (!NODE_NAME.test(pinned))
      throw new ValidationError('--node', `expected a node name, got ${JSON.stringify(pinned.slice(0, 40))}`);
    return pinned;
  }
  if (names.length === 0) return null;
  const plain = [options.lndconnect, options.host, options.cert, options.macaroon].some(
    (v) => nonEmpty(v) !== undefined,
  );
  const plainEnv =
    nonEmpty(env.LNDCONNECT) ?? envSetting(env, 'LIGHTNING_HOST') ?? envSetting(env, 'LIGHTNING_MACAROON_PATH');
  return plain || plainEnv !== undefined ? null : names[0]!;
}

/** The environment of node `name`, seen under the plain names (LNDCONNECT, LIGHTNING_HOST…). */
export function nodeEnv(env: CliEnv, name: string): CliEnv {
  const upper = name.toUpperCase().replace(/-/g, '_');
  return {
    ...env,
    LNDCONNECT: env[`LNDCONNECT_${upper}`],
    LIGHTNING_HOST: env[`LIGHTNING_${upper}_HOST`],
    LIGHTNING_CERT_PATH: env[`LIGHTNING_${upper}_CERT_PATH`],
    LIGHTNING_MACAROON_PATH: env[`LIGHTNING_${upper}_MACAROON_PATH`],
    LND_SOCKET: undefined,
    LND_CERT_PATH: undefined,
    LND_CERT: undefined,
    LND_MACAROON_PATH: undefined,
    LND_MACAROON: undefined,
  };
}

/** The LND call deadline in ms from `--timeout` (seconds). @throws {ValidationError} */
export function resolveTimeoutMs(options: GlobalOptions): number {
  const seconds = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new ValidationError('--timeout', `expected a positive number of seconds, got ${String(options.timeout)}`);
  return Math.max(1, Math.round(seconds * 1000));
}

/**
 * Resolves the LND connection from flags and environment.
 * @throws {ValidationError} when nothing names a node, or cert or macaroon is missing
 */
export function resolveConnection(options: GlobalOptions, env: CliEnv): ConnectionSettings {
  const timeoutMs = resolveTimeoutMs(options);
  const common = { timeoutMs, maxRetries: CLI_MAX_RETRIES };
  const flagUri = nonEmpty(options.lndconnect);
  const hasSocketFlags = [options.host, options.cert, options.macaroon].some((v) => nonEmpty(v) !== undefined);
  const uri = flagUri ?? (hasSocketFlags ? undefined : nonEmpty(env.LNDCONNECT));
  if (uri !== undefined) {
    return {
      client: { lndconnect: uri, ...common },
      socket: socketOfLndconnect(uri),
      secrets: secretsOfLndconnect(uri),
    };
  }
  const socket = nonEmpty(options.host) ?? envSetting(env, 'LIGHTNING_HOST');
  const cert = nonEmpty(options.cert) ?? envSetting(env, 'LIGHTNING_CERT_PATH');
  const macaroon = nonEmpty(options.macaroon) ?? envSetting(env, 'LIGHTNING_MACAROON_PATH');
  if (socket === undefined && cert === undefined && macaroon === undefined) {
    throw new ValidationError(
      'connection',
      'expected an LND node, got none: pass --lndconnect <uri>, or --host, --cert and --macaroon ' +
        '(or set LNDCONNECT, or LIGHTNING_HOST, LIGHTNING_CERT_PATH and LIGHTNING_MACAROON_PATH)',
    );
  }
  if (cert === undefined)
    throw new ValidationError('--cert', "expected the path of LND's tls.cert (or LIGHTNING_CERT_PATH), got none");
  if (macaroon === undefined)
    throw new ValidationError('--macaroon', 'expected the path of a macaroon (or LIGHTNING_MACAROON_PATH), got none');
  const resolvedSocket = socket ?? DEFAULT_LND_SOCKET;
  // A macaroon given inline as hex is a secret; a path is not.
  const secrets = /^(?:[0-9a-fA-F]{2})+$/.test(macaroon) ? [macaroon] : [];
  return { client: { socket: resolvedSocket, cert, macaroon, ...common }, socket: resolvedSocket, secrets };
}

/** The store (a SQLite file or a postgres:// URL): `--db` > LIGHTNING_DB > ./lnkit.db. */
export function resolveDbPath(options: GlobalOptions, env: CliEnv): string {
  return nonEmpty(options.db) ?? envSetting(env, 'LIGHTNING_DB') ?? DEFAULT_DB;
}

/** The fixed EUR/BTC rate, if any: `--rate` > LIGHTNING_FIXED_RATE; null means the live sources. */
export function resolveFixedRate(options: GlobalOptions, env: CliEnv): string | null {
  return nonEmpty(options.rate) ?? nonEmpty(env.LIGHTNING_FIXED_RATE) ?? null;
}

/** Replaces every secret in `text` with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  return out;
}
