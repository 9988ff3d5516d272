import { describe, expect, it, vi } from 'vitest';
import { createEventBus } from './event-bus.js';
import type { Logger } from '../logger.js';
import type { LndConnectionEvent } from '../domain/events.js';

function logger(): Logger & { errors: unknown[] } {
  const errors: unknown[] = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (fields) => errors.push(fields) };
}

const payload: LndConnectionEvent = { at: new Date(0) };

describe('event bus', () => {
  it('a throwing listener does not stop the others, and is logged', () => {
    const log = logger();
    const bus = createEventBus(log);
    const seen: string[] = [];
    bus.on('lnd.connected', () => {
      throw new Error('boom');
    });
    bus.on('lnd.connected', () => void seen.push('second'));
    expect(() => bus.emit('lnd.connected', payload)).not.toThrow();
    expect(seen).toEqual(['second']);
    expect(log.errors).toHaveLength(1);
  });

  it('a rejecting async listener is logged', async () => {
    const log = logger();
    const bus = createEventBus(log);
    bus.on('lnd.connected', async () => {
      throw new Error('async boom');
    });
    bus.emit('lnd.connected', payload);
    await new Promise((r) => setImmediate(r));
    expect(log.errors).toHaveLength(1);
  });

  it('once fires once; off removes', () => {
    const bus = createEventBus(logger());
    const once = vi.fn();
    const always = vi.fn();
    bus.once('lnd.connected', once);
    bus.on('lnd.connected', always);
    bus.emit('lnd.connected', payload);
    bus.emit('lnd.connected', payload);
    bus.off('lnd.connected', always);
    bus.emit('lnd.connected', payload);
    expect(once).toHaveBeenCalledTimes(1);
    expect(always).toHaveBeenCalledTimes(2);
  });

  it('waitFor resolves on a matching event and rejects on timeout', async () => {
    const bus = createEventBus(logger());
    const p = bus.waitFor('lnd.disconnected', (e) => e.reason === 'b');
    bus.emit('lnd.disconnected', { at: new Date(), reason: 'a' });
    bus.emit('lnd.disconnected', { at: new Date(), reason: 'b' });
    await expect(p).resolves.toMatchObject({ reason: 'b' });
    await expect(bus.waitFor('lnd.connected', undefined, 10)).rejects.toThrow(/timed out/);
  });
});
