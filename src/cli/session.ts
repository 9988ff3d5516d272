/**
 * One CLI run's resources, opened lazily and closed once: the LND client, the store, the rate
 * provider and a started `createLightning`. Heavy modules are imported on first use so that
 * `--help` and usage errors stay instant.
 */
import type { Lightning } from '../create-lightning.js';
import type { LndClient } from '../lnd/lnd-client.js';
import type { RateProvider } from '../rates/rate-provider.js';
import type { Store } from '../store/store.js';
import { openStore } from './open-store.js';
import {
  nodeEnv,
  resolveConnection,
  resolveNodeName,
  resolveNodeNames,
  resolveDbPath,
  resolveFixedRate,
  type CliEnv,
  type ConnectionSettings,
  type GlobalOptions,
} from './config.js';
import { createPrinter, type Printer, type TextSink } from './output.js';

/** Longest wait for resources to close at the end of a command. */
const CLOSE_TIMEOUT_MS = 5_000;

/** What the CLI talks to: output streams, environment, and an abort signal (SIGINT). */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: CliEnv;
  /** Aborted on SIGINT/SIGTERM: long waits stop and resources close. */
  readonly signal?: AbortSignal;
}

/** Resources of one command run. */
export interface Session {
  readonly io: CliIo;
  readonly options: GlobalOptions;
  readonly printer: Printer;
  /** The connection settings, once resolved (for error messages and redaction). */
  readonly connection: ConnectionSettings | null;
  /** The LND client (created on first call). @throws {ValidationError} when no connection is configured */
  lnd(): Promise<LndClient>;
  /** The node the command acts on (`--node`, or the first of LIGHTNING_NODES); null for a plain connection. */
  nodeName(): string | null;
  /**
   * Every node the command may show: each of LIGHTNING_NODES when no `--node` is given (clients
   * created here, closed with the session), else the one of `lnd()`.
   */
  nodes(): Promise<{ readonly name: string | null; readonly client: LndClient }[]>;
  /** The store (SQLite file or PostgreSQL URL), not migrated (created on first call). */
  store(): Promise<Store>;
  /** `--rate`/LIGHTNING_FIXED_RATE as fixed rates, else Kraken + Bitstamp + Coinbase (median). */
  rates(): Promise<RateProvider>;
  /** A `createLightning` on the above, started (migrations applied, LND checked). */
  lightning(): Promise<Lightning>;
  /** Stops lightning, closes the store and the LND client. Idempotent. */
  close(): Promise<void>;
}

/** Opens a session for one command with its merged global options. */
export function openSession(io: CliIo, options: GlobalOptions): Session {
  let connection: ConnectionSettings | null = null;
  let lnd: Promise<LndClient> | null = null;
  let store: Promise<Store> | null = null;
  let rates: Promise<RateProvider> | null = null;
  let lightning: Promise<Lightning> | null = null;
  let created: Lightning | null = null;
  let closing: Promise<void> | null = null;
  const extra: LndClient[] = [];

  const session: Session = {
    io,
    options,
    printer: createPrinter({ json: options.json === true, stdout: io.stdout, stderr: io.stderr }),
    get connection() {
      return connection;
    },
    lnd() {
      lnd ??= (async () => {
        const name = session.nodeName();
        connection = resolveConnection(options, name === null ? io.env : nodeEnv(io.env, name));
        const { createLndClient } = await import('../lnd/index.js');
        return createLndClient(connection.client);
      })();
      return lnd;
    },
    nodeName: () => resolveNodeName(options, io.env),
    async nodes() {
      const names = resolveNodeNames(io.env);
      if (options.node !== undefined || names.length === 0 || session.nodeName() === null)
        return [{ name: session.nodeName(), client: await session.lnd() }];
      const { createLndClient } = await import('../lnd/index.js');
      const first = await session.lnd();
      const all = [{ name: names[0]!, client: first }];
      for (const name of names.slice(1)) {
        const settings = resolveConnection({ ...options, node: name }, nodeEnv(io.env, name));
        const client = createLndClient(settings.client);
        extra.push(client);
        all.push({ name, client });
      }
      return all;
    },
    store() {
      store ??= openStore(resolveDbPath(options, io.env));
      return store;
    },
    rates() {
      rates ??= (async () => {
        const mod = await import('../rates/index.js');
        const fixed = resolveFixedRate(options, io.env);
        if (fixed !== null) return mod.createFixedRates(fixed);
        return mod.createRateProvider({
          sources: [mod.createKrakenSource(), mod.createBitstampSource(), mod.createCoinbaseSource()],
        });
      })();
      return rates;
    },
    lightning() {
      lightning ??= (async () => {
        const [client, db, provider, { createLightning }] = await Promise.all([
          session.lnd(),
          session.store(),
          session.rates(),
          import('../create-lightning.js'),
        ]);
        // A one-shot command never delivers webhooks: the app's own process does.
        const name = session.nodeName();
        created = createLightning({
          lnd: name === null ? client : { [name]: client },
          rates: provider,
          store: db,
          settlement: { minBackoffMs: 100, maxBackoffMs: 2_000 },
          webhooks: { dispatch: false },
        });
        await created.start();
        return created;
      })();
      return lightning;
    },
    close() {
      closing ??= (async () => {
        const shutdown = (async () => {
          // lightning.stop() closes the store; close it directly only when lightning never existed.
          if (created) await created.stop({ timeoutMs: 2_000 }).catch(() => undefined);
          else if (store) await (await store.catch(() => null))?.close().catch(() => undefined);
          if (lnd) await (await lnd.catch(() => null))?.close().catch(() => undefined);
          for (const client of extra) await client.close().catch(() => undefined);
        })();
        // A one-shot command must end even if a stream refuses to close; main() exits the process.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const bound = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
          timer.unref?.();
        });
        await Promise.race([shutdown, bound]);
        clearTimeout(timer);
      })();
      return closing;
    },
  };
  return session;
}
