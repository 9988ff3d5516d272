/**
 * Several lnkit processes on one SQLite file (test/chaos/leader-child.ts), a webhook receiver that
 * verifies every request and records its `webhook-id`, and bob paying over gRPC: the pieces of the
 * issue #10 multi-process tests.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeEventPayload } from '../../src/events/event-codec.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import type { LndSimulator } from '../../src/testing/simulator/index.js';
import { generateWebhookSecret } from '../../src/webhooks/webhook-secret.js';
import { verifyWebhook } from '../../src/webhooks/verify-webhook.js';
import { spawnTsx, type TsxChild } from './child-process.js';

/** One lnkit child process. */
export interface LnkitProcess {
  readonly name: string;
  readonly child: TsxChild;
  readonly pid: number;
  readonly port: number;
  readonly startedAsLeader: boolean;
  /** The event log's last seq right after start: every payment.received above it must be heard. */
  readonly readySeq: bigint;
  readonly eventsFile: string;
  /** The payment hashes its payment.received listener heard, in order. */
  heard(): string[];
  /** POSTs a command to the child; rejects with the child's error code. */
  command<T>(path: '/create' | '/pay', body: Record<string, unknown>): Promise<T>;
  kill(signal: NodeJS.Signals): void;
}

/** Options of a child. */
export interface LnkitProcessOptions {
  readonly role?: 'auto' | 'leader' | 'follower';
  readonly leaseTtlMs?: number;
  readonly webhook?: { readonly url: string; readonly secret: string };
  /** With `db` a postgres:// URL: the schema. */
  readonly schema?: string;
}

/** Spawns a child on `db` as alice; resolves once it printed READY. */
export async function spawnLnkit(
  sim: LndSimulator,
  dir: string,
  db: string,
  name: string,
  options: LnkitProcessOptions = {},
): Promise<LnkitProcess> {
  return (await spawnStandby(sim, dir, db, name, options)).activate();
}

/** A child that has loaded everything but not started lnkit yet. */
export interface StandbyProcess {
  readonly child: TsxChild;
  /** Starts lnkit in it; resolves once it printed READY. */
  activate(): Promise<LnkitProcess>;
}

/** Spawns a child in standby (LNKIT_STANDBY=1): `activate()` starts lnkit at once. */
export async function spawnStandby(
  sim: LndSimulator,
  dir: string,
  db: string,
  name: string,
  options: LnkitProcessOptions = {},
): Promise<StandbyProcess> {
  const alice = sim.node('alice');
  const eventsFile = join(dir, `${name}.events`);
  writeFileSync(eventsFile, '');
  const child = spawnTsx(join(import.meta.dirname, '../chaos/leader-child.ts'), {
    LNKIT_DB: db,
    LNKIT_EVENTS_FILE: eventsFile,
    LND_SOCKET: alice.socket,
    LND_CERT: alice.cert,
    LND_MACAROON: alice.macaroons.admin,
    LNKIT_ROLE: options.role ?? 'auto',
    LNKIT_LEASE_TTL_MS: String(options.leaseTtlMs ?? 15_000),
    LNKIT_STANDBY: '1',
    ...(options.schema ? { LNKIT_PG_SCHEMA: options.schema } : {}),
    ...(options.webhook
      ? { LNKIT_WEBHOOK_URL: options.webhook.url, LNKIT_WEBHOOK_SECRET: options.webhook.secret }
      : {}),
  });
  await child.waitForLine((l) => l === 'STANDBY', `${name} to load`, 240_000);
  const port = Number(child.lines.find((l) => l.startsWith('PORT '))!.split(' ')[1]);
  const command = async <T>(path: string, body: Record<string, unknown>): Promise<T> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const text = await response.text();
    const result = (text ? JSON.parse(text) : {}) as T & { code?: string; message?: string };
    if (!response.ok) throw Object.assign(new Error(result.message), { code: result.code });
    return result;
  };
  return {
    child,
    async activate() {
      await command('/start', {});
      const ready = await child.waitForLine(
        (l) => l.startsWith('READY ') || l.startsWith('FAILED '),
        `${name} to start`,
      );
      if (ready.startsWith('FAILED ')) throw Object.assign(new Error(ready), { code: ready.split(' ')[1] });
      const [, pid, leader, seq] = ready.split(' ');
      return {
        name,
        child,
        pid: Number(pid),
        port,
        startedAsLeader: leader === '1',
        readySeq: BigInt(seq!),
        eventsFile,
        heard: () => readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean),
        command,
        kill: (signal) => void child.process.kill(signal),
      };
    },
  };
}

/** A webhook receiver: verifies each request, records every delivery's id and type, answers 200. */
export interface WebhookReceiver {
  readonly url: string;
  readonly secret: string;
  /** Every verified delivery, duplicates included. */
  readonly deliveries: { readonly id: string; readonly type: string; readonly paymentHash: string }[];
  /** Requests that failed verification. */
  readonly rejected: number;
  close(): Promise<void>;
}

/** Starts a receiver on loopback. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const secret = generateWebhookSecret();
  const deliveries: { id: string; type: string; paymentHash: string }[] = [];
  let rejected = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      try {
        const verified = verifyWebhook<{ payment_hash?: string; payment?: { payment_hash?: string } }>({
          body: Buffer.concat(chunks),
          headers: request.headers as Record<string, string>,
          secret,
        });
        const data = verified.data as Record<string, unknown>;
        const paymentHash = String(
          (data.payment_hash ?? (data.payment as Record<string, unknown>)?.payment_hash) || '',
        );
        deliveries.push({ id: verified.id, type: verified.type, paymentHash });
        response.writeHead(200).end();
      } catch {
        rejected++;
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    secret,
    deliveries,
    get rejected() {
      return rejected;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Pays `request` from bob; resolves with the final status. */
export async function payFromBob(bob: LndClient, request: string): Promise<string> {
  let status = 'NONE';
  for await (const update of bob.sendPayment({ paymentRequest: request, feeLimitMsat: 10_000n, timeoutSeconds: 60 }))
    status = update.status;
  return status;
}

/** Runs `fn` over `items` with `workers` concurrent loops. */
export async function inParallel<T>(
  items: readonly T[],
  workers: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/** Read-only views of the shared SQLite file. */
export function readDb(db: string) {
  const open = () => new Database(db, { readonly: true, fileMustExist: true });
  const withDb = <T>(fn: (d: Database.Database) => T): T => {
    const d = open();
    try {
      return fn(d);
    } finally {
      d.close();
    }
  };
  return {
    settledIncoming: (): number =>
      withDb(
        (d) =>
          (
            d.prepare("SELECT count(*) AS n FROM payments WHERE direction = 'in' AND status = 'succeeded'").get() as {
              n: number;
            }
          ).n,
      ),
    leaseHolderPid: (nowMs = Date.now()): number | null =>
      withDb((d) => {
        const row = d.prepare("SELECT pid, expires_at FROM leases WHERE name = 'leader'").get() as
          { pid: number; expires_at: number } | undefined;
        return row && row.expires_at > nowMs ? row.pid : null;
      }),
    /** The leader lease row as stored (for failure messages). */
    lease: (): unknown => withDb((d) => d.prepare("SELECT * FROM leases WHERE name = 'leader'").get()),
    /** payment.received records in the event log: seq and payment hash. */
    receivedEvents: (): { seq: bigint; paymentHash: string }[] =>
      withDb((d) =>
        (
          d
            .prepare("SELECT seq, payload FROM event_log WHERE type = 'payment.received' ORDER BY seq")
            .safeIntegers(true)
            .all() as { seq: bigint; payload: string }[]
        ).map((r) => ({
          seq: r.seq,
          paymentHash: (decodeEventPayload(r.payload) as { payment: { paymentHash: string } }).payment.paymentHash,
        })),
      ),
  };
}

/** Asserts-by-value: for one listener, what it heard twice and what it missed above its start. */
export function hearingReport(
  process: LnkitProcess,
  logged: readonly { seq: bigint; paymentHash: string }[],
): { heard: number; duplicates: number; missed: number; foreign: number } {
  const heard = process.heard();
  const distinct = new Set(heard);
  const all = new Set(logged.map((e) => e.paymentHash));
  const expected = logged.filter((e) => e.seq > process.readySeq).map((e) => e.paymentHash);
  return {
    heard: heard.length,
    duplicates: heard.length - distinct.size,
    missed: expected.filter((h) => !distinct.has(h)).length,
    foreign: [...distinct].filter((h) => !all.has(h)).length,
  };
}
