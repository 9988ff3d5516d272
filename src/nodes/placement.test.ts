import { describe, expect, it } from 'vitest';
import { normalizeLndConfig } from './node-config.js';
import { choosePlacement, type PlacementCandidate } from './placement.js';
import { createFakeLnd } from '../testing/fake-lnd.js';

const node = (name: string, inboundSat: bigint): PlacementCandidate => ({
  name,
  pubkey: `02${name.padEnd(64, '0')}`,
  inboundSat,
  maxChannelInboundSat: inboundSat,
});
const alice = node('alice', 5_000n);
const erin = node('erin', 8_000n);

describe('choosePlacement', () => {
  it.each([
    ['inbound: the most receivable inbound', 'inbound', 1_000n, 0, 'erin'],
    ['inbound: only one can receive it', 'inbound', 6_000n, 0, 'erin'],
    ['round-robin, turn 0', 'round-robin', 1_000n, 0, 'alice'],
    ['round-robin, turn 1', 'round-robin', 1_000n, 1, 'erin'],
    ['round-robin, turn 2', 'round-robin', 1_000n, 2, 'alice'],
    ['a node name', 'alice', 1_000n, 0, 'alice'],
  ] as const)('%s', (_what, policy, amountSat, turn, expected) => {
    expect(choosePlacement(policy, { amountSat, candidates: [alice, erin] }, turn).name).toBe(expected);
  });

  it('inbound: a tie goes to the first configured node', () => {
    expect(choosePlacement('inbound', { amountSat: 1n, candidates: [node('a', 7n), node('b', 7n)] }, 0).name).toBe('a');
  });

  it('inbound: nobody can receive it → InsufficientInboundError with the best figures', () => {
    expect(() => choosePlacement('inbound', { amountSat: 9_000n, candidates: [alice, erin] }, 0)).toThrow(
      expect.objectContaining({ code: 'INSUFFICIENT_INBOUND', receivableSat: 8_000n }),
    );
  });

  it('a function chooses among the candidates; a name that is not one is refused', () => {
    expect(choosePlacement(({ candidates }) => candidates[0]!.name, { amountSat: 1n, candidates: [erin] }, 0)).toBe(
      erin,
    );
    expect(() => choosePlacement(() => 'zed', { amountSat: 1n, candidates: [alice, erin] }, 0)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'placement' }),
    );
    expect(() => choosePlacement('zed', { amountSat: 1n, candidates: [alice] }, 0)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});

describe('normalizeLndConfig', () => {
  const { lnd, payer } = createFakeLnd();
  it('a single client stays a single unnamed node; a record keeps its order', () => {
    expect(normalizeLndConfig(lnd)).toEqual({ entries: [{ name: null, client: lnd }], multi: false });
    const { entries, multi } = normalizeLndConfig({ erin: payer, alice: lnd });
    expect(multi).toBe(true);
    expect(entries.map((e) => e.name)).toEqual(['erin', 'alice']);
  });

  it.each([
    ['null', null],
    ['a string', 'lnd'],
    ['an empty record', {}],
    ['a bad name', { 'al ice': lnd }],
    ['a name too long', { ['a'.repeat(33)]: lnd }],
    ['a value that is not a client', { alice: {} }],
    ['names equal but for case', { alice: lnd, Alice: payer }],
  ])('refuses %s with ValidationError', (_what, value) => {
    expect(() => normalizeLndConfig(value)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
