import { describe, expect, it } from 'vitest';
import { decimal } from '../domain/amount.js';
import { aggregateQuotes, median } from './aggregate.js';

const q = (source: string, rate: string) => ({ source, rate: decimal(rate), fetchedAt: new Date(0) });

describe('median', () => {
  it.each([
    [['90000'], '90000'],
    [['90100', '90000', '120000'], '90100'],
    [['90000', '90100'], '90050'],
    [['1.000000000000000000000000000001', '1.000000000000000000000000000002'], '1.0000000000000000000000000000015'],
    [['5', '1', '4', '2'], '3'],
  ])('%j → %s', (values, expected) => {
    expect(median(values.map((v) => decimal(v))).toFixed()).toBe(expected);
  });

  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('aggregateQuotes', () => {
  it('drops 120,000 from 90,000 / 90,100 / 120,000 and keeps the rest in order', () => {
    const { kept, outliers } = aggregateQuotes([q('a', '90000'), q('b', '90100'), q('c', '120000')], decimal('0.015'));
    expect(kept.map((k) => k.source)).toEqual(['a', 'b']);
    expect(outliers.map((o) => [o.quote.source, o.median.toFixed(), o.deviation.round(4).toFixed()])).toEqual([
      ['c', '90100', '0.3319'],
    ]);
    expect(median(kept.map((k) => k.rate)).toFixed()).toBe('90050');
  });

  it('keeps a quote exactly at the limit and drops one just past it', () => {
    const { kept } = aggregateQuotes([q('a', '100'), q('b', '101.5'), q('c', '98.49')], decimal('0.015'));
    expect(kept.map((k) => k.source)).toEqual(['a', 'b']);
  });

  it('drops both of two quotes that disagree widely (no way to tell which is right)', () => {
    expect(aggregateQuotes([q('a', '90000'), q('b', '120000')], decimal('0.015')).kept).toEqual([]);
  });
});
