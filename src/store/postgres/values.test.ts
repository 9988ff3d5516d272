import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from './values.js';

describe('parseTimestamptz', () => {
  it.each([
    ['2026-01-15 12:30:45+00', '2026-01-15T12:30:45.000Z'],
    ['2026-01-15 12:30:45.1+00', '2026-01-15T12:30:45.100Z'],
    ['2026-01-15 12:30:45.12+00', '2026-01-15T12:30:45.120Z'],
    ['2026-01-15 12:30:45.123+00', '2026-01-15T12:30:45.123Z'],
    ['2026-01-15 12:30:45.123999+00', '2026-01-15T12:30:45.123Z'],
    ['2026-01-15 12:30:45.123+01', '2026-01-15T11:30:45.123Z'],
    ['2026-01-15 12:30:45.123-05', '2026-01-15T17:30:45.123Z'],
    ['2026-01-15 12:30:45.123+05:30', '2026-01-15T07:00:45.123Z'],
    ['2026-01-15 12:30:45-00:30', '2026-01-15T13:00:45.000Z'],
    ['1890-03-01 00:00:00+00:19:32', '1890-02-28T23:40:28.000Z'],
    ['2026-12-31 23:59:59.999+00', '2026-12-31T23:59:59.999Z'],
    ['2024-02-29 00:00:00+00', '2024-02-29T00:00:00.000Z'],
    ['1969-12-31 23:59:59.999+00', '1969-12-31T23:59:59.999Z'],
    ['1600-02-29 12:00:00+00', '1600-02-29T12:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseTimestamptz(text)?.toISOString()).toBe(iso);
  });

  it('reads what PostgreSQL writes for any instant from 1600 to 2400, in any offset', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(Date.UTC(1600, 0, 1) + random() * (Date.UTC(2400, 0, 1) - Date.UTC(1600, 0, 1)));
      const offsetMin = Math.floor(random() * 28 * 60) - 14 * 60;
      const local = new Date(ms + offsetMin * 60_000);
      const abs = Math.abs(offsetMin);
      const text =
        `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())} ` +
        `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}` +
        `.${String(local.getUTCMilliseconds()).padStart(3, '0')}${offsetMin < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}` +
        (abs % 60 === 0 ? '' : `:${two(abs % 60)}`);
      expect(parseTimestamptz(text)?.getTime(), text).toBe(ms);
    }
  });

  it.each([
    '',
    'infinity',
    '-infinity',
    '2026-01-15T12:30:45+00',
    '2026-01-15 12:30:45',
    '2026-01-15 12:30:45.+00',
    '2026-01-15 12:30:45.1234567+00',
    '2026-01-15 12:30:45+0',
    '2026-01-15 12:30:45+00:',
    '2026-01-15 12:30:45+00:3',
    '2026-01-15 12:30:45+00:30:',
    '2026-01-15 12:30:45+00:30:00:00',
    '2026-01-15 12:30:4x+00',
    '2026-1-15 12:30:45+00',
    '12026-01-15 12:30:45+00',
    '2026-01-15 12:30:45+00 BC',
    '2026-01-15 12:30:45 +00',
    '2026-13-15 12:30:45+00',
    '2026-01-15 12:61:45+00',
  ])('%j is not a timestamptz', (text) => {
    expect(parseTimestamptz(text)).toBeUndefined();
  });
});
