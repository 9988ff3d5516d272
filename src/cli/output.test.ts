import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import {
  createPrinter,
  formatDuration,
  formatKeyValues,
  formatMsat,
  formatSat,
  formatTable,
  groupDigits,
  shorten,
  toJson,
} from './output.js';

describe('toJson', () => {
  it('writes bigint as decimal strings, Dates as ISO and big.js decimals as strings', () => {
    const value = {
      msat: 2n ** 64n + 1n,
      at: new Date('2025-01-31T12:00:00.000Z'),
      eur: new Big('19.90'),
      nested: [{ sat: -5n }],
    };
    expect(JSON.parse(toJson(value))).toEqual({
      msat: '18446744073709551617',
      at: '2025-01-31T12:00:00.000Z',
      eur: '19.9',
      nested: [{ sat: '-5' }],
    });
  });
});

describe('formatTable', () => {
  it('aligns columns, right-aligns amounts and trims trailing spaces', () => {
    const text = formatTable(
      [{ header: 'ID' }, { header: 'SAT', align: 'right' }, { header: 'NOTE' }],
      [
        ['a', '1,000', ''],
        ['longer-id', '5', 'x'],
      ],
    );
    expect(text).toBe(['ID           SAT  NOTE', 'a          1,000', 'longer-id      5  x', ''].join('\n'));
  });

  it('ignores ANSI colour codes when measuring', () => {
    expect(formatTable([{ header: 'A' }, { header: 'B' }], [['\x1b[31mx\x1b[0m', 'y']])).toBe(
      'A  B\n\x1b[31mx\x1b[0m  y\n',
    );
  });
});

describe('formatKeyValues', () => {
  it('aligns the values after the longest label', () => {
    expect(
      formatKeyValues([
        ['Alias', 'alice'],
        ['Block height', '800000'],
      ]),
    ).toBe('Alias         alice\nBlock height  800000\n');
  });
});

describe('amounts and durations', () => {
  it.each([
    [0n, '0'],
    [999n, '999'],
    [1000n, '1,000'],
    [1234567n, '1,234,567'],
    [-1234567n, '-1,234,567'],
    [2_100_000_000_000_000n, '2,100,000,000,000,000'],
  ])('groupDigits(%s) = %s', (value, expected) => {
    expect(groupDigits(value)).toBe(expected);
  });

  it('formats sats and msat exactly', () => {
    expect(formatSat(5556n)).toBe('5,556 sat');
    expect(formatMsat(5_556_000n)).toBe('5,556 sat');
    expect(formatMsat(1_234_567n)).toBe('1,234.567 sat');
    expect(formatMsat(1_005n)).toBe('1.005 sat');
  });

  it.each([
    [0, '0s'],
    [7.9, '7s'],
    [125, '2m 05s'],
    [3723, '1h 02m 03s'],
    [86_400, '24h 00m 00s'],
    [-3, '0s'],
  ])('formatDuration(%s) = %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });

  it('shortens long text with an ellipsis', () => {
    expect(shorten('abcdef', 6)).toBe('abcdef');
    expect(shorten('abcdefg', 6)).toBe('abcde…');
  });
});

describe('createPrinter', () => {
  const sinks = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } };
  };

  it('prints human text and progress on stdout without --json', () => {
    const s = sinks();
    const printer = createPrinter({ json: false, stdout: s.stdout, stderr: s.stderr });
    printer.info('working');
    printer.result({ a: 1n }, () => 'human\n');
    expect(s.out.join('')).toBe('working\nhuman\n');
    expect(s.err).toEqual([]);
  });

  it('keeps stdout to one JSON document with --json (progress goes to stderr)', () => {
    const s = sinks();
    const printer = createPrinter({ json: true, stdout: s.stdout, stderr: s.stderr });
    printer.info('working');
    printer.result({ a: 1n }, () => 'human\n');
    expect(JSON.parse(s.out.join(''))).toEqual({ a: '1' });
    expect(s.err.join('')).toBe('working\n');
  });
});
