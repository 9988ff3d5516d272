/**
 * The event-log feed on a SQLite file shared by two stores (two processes): its own events are
 * delivered once at their commit and not read back (readSeqsAfter), another process's are read
 * and delivered once, in any interleaving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookEventType } from '../domain/events.js';
import { silentLogger } from '../logger.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { EventLogInput, Store } from '../store/store.js';
import { createEventBus } from './event-bus.js';
import { encodeEventPayload } from './event-codec.js';
import { createEventLogFeed, type EventLogFeed } from './event-log-feed.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const input = (n: number): EventLogInput => ({
  type: 'invoice.created',
  payload: encodeEventPayload({ n }),
  createdAt: new Date(1_700_000_000_000 + n),
});

async function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'lnkit-feed-'));
  dirs.push(dir);
  const own = createSqliteStore({ filename: join(dir, 'shared.db') });
  const other = createSqliteStore({ filename: join(dir, 'shared.db') });
  await own.migrate();
  await other.migrate();
  const payloadReads: bigint[] = [];
  const events = own.events;
  // The feed's store: the same repository, with every readAfter (a read of payloads) recorded.
  const store: Store = {
    ...own,
    events: {
      ...events,
      readSeqsAfter: events.readSeqsAfter!.bind(events),
      readAfter: async (after, limit) => {
        payloadReads.push(after);
        return events.readAfter(after, limit);
      },
    },
  };
  const bus = createEventBus(silentLogger);
  const heard: number[] = [];
  bus.on('invoice.created', (payload) => void heard.push((payload as unknown as { n: number }).n));
  const feed = createEventLogFeed({ store, bus, logger: silentLogger, pollIntervalMs: 60_000 });
  await feed.start();
  /** Appends on the feed's store and delivers the events at once, as the event recorder does after a commit. */
  const appendOwn = async (...ns: number[]) => {
    const seqs = await own.events.append(ns.map(input));
    feed.deliverLocal(
      seqs.map((seq, i) => ({ seq, type: 'invoice.created' as WebhookEventType, payload: { n: ns[i] } })),
    );
  };
  const close = async () => {
    await feed.stop();
    await own.close();
    await other.close();
  };
  return { own, other, feed, heard, payloadReads, appendOwn, close };
}

/** Polls now and resolves once that poll has finished. */
async function pollNow(feed: EventLogFeed): Promise<void> {
  const advanced = new Promise<void>((resolve) => {
    const off = feed.onAdvance(() => {
      off();
      resolve();
    });
  });
  feed.wake();
  await Promise.race([advanced, new Promise((resolve) => setTimeout(resolve, 200))]);
}

describe('event-log feed', () => {
  it('does not read back the payloads of its own events', async () => {
    const t = await setUp();
    try {
      await t.appendOwn(1, 2, 3);
      await t.appendOwn(4);
      await pollNow(t.feed);
      await pollNow(t.feed);
      expect(t.heard).toEqual([1, 2, 3, 4]);
      expect(t.payloadReads).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it("reads and delivers another process's events once, between and after its own", async () => {
    const t = await setUp();
    try {
      await t.appendOwn(1);
      await t.other.events.append([input(100)]);
      await t.appendOwn(2, 3);
      await t.other.events.append([input(101), input(102)]);
      await pollNow(t.feed);
      await t.appendOwn(4);
      await pollNow(t.feed);
      await t.other.events.append([input(103)]);
      await pollNow(t.feed);
      await pollNow(t.feed);
      expect([...t.heard].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 100, 101, 102, 103]);
      expect(t.heard.filter((n) => n >= 100)).toEqual([100, 101, 102, 103]);
      expect(t.payloadReads.length).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
