/**
 * Helpers of the LndClient conformance cases (runner-agnostic: node:assert only).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { LndClient, LndPayment } from './lnd-client.js';

/** What every conformance case receives. */
export interface LndConformanceContext {
  /** The client under test (the merchant side). */
  readonly lnd: LndClient;
  /** A client on another node with a route to `lnd`, used to pay `lnd`'s invoices. */
  readonly payer?: LndClient;
}

/** One conformance case. `needsPayer` cases are skipped (by the runner) when no payer is given. */
export interface LndConformanceCase {
  readonly name: string;
  readonly needsPayer?: boolean;
  /** Runs the case against a fresh context; rejects when the implementation breaks the rule. */
  run(ctx: LndConformanceContext): Promise<void>;
}

/** A fresh random preimage and its payment hash. */
export function newPreimage(): { preimage: string; paymentHash: string } {
  const preimage = randomBytes(32).toString('hex');
  return { preimage, paymentHash: createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex') };
}

/** A memo unique to this run. */
export const uniqueMemo = (label: string): string => `lnkit conformance ${label} ${randomBytes(4).toString('hex')}`;

/** The payer of a `needsPayer` case. */
export function requirePayer(ctx: LndConformanceContext): LndClient {
  if (!ctx.payer) throw new Error('this conformance case needs a payer client');
  return ctx.payer;
}

/**
 * Reads `source` until `done(items)` is true, it ends, or `timeoutMs` passes (then throws);
 * always cancels the stream before returning.
 */
export async function readUntil<T>(
  open: (signal: AbortSignal) => AsyncIterable<T>,
  done: (items: readonly T[]) => boolean,
  timeoutMs = 10_000,
  what = 'stream items',
): Promise<T[]> {
  const controller = new AbortController();
  const items: T[] = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
  }, timeoutMs);
  try {
    for await (const item of open(controller.signal)) {
      items.push(item);
      if (done(items)) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  if (timedOut && !done(items))
    assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; got ${items.length} item(s)`);
  return items;
}

/** Pays `paymentRequest` from `payer` and resolves with every update (the last one is final). */
export async function payAll(payer: LndClient, paymentRequest: string, timeoutMs = 20_000): Promise<LndPayment[]> {
  return readUntil(
    (signal) => payer.sendPayment({ paymentRequest, feeLimitMsat: 100_000n, timeoutSeconds: 30, signal }),
    (items) => {
      const last = items[items.length - 1];
      return last?.status === 'SUCCEEDED' || last?.status === 'FAILED';
    },
    timeoutMs,
    'the payment to finish',
  );
}

/** Calls `fn` and returns what it threw (an assertion fails when it does not throw). */
export async function caught(fn: () => Promise<unknown>, what = 'the call'): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  return assert.fail(`expected ${what} to throw, but it resolved`);
}

/** Awaits a call that must succeed; a rejection fails an assertion naming it (idempotent repeats). */
export async function resolves<T>(promise: Promise<T>, what: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    return assert.fail(`expected ${what} to succeed, but it threw ${String(error)}`);
  }
}
