import { describe, expect, it } from 'vitest';
import { parseJsonKeepingNumbers } from './json-text.js';

describe('parseJsonKeepingNumbers', () => {
  it('returns every number literal as its exact text', () => {
    expect(parseJsonKeepingNumbers('{"bitcoin":{"eur":87654.32,"last_updated_at":1767225600}}')).toEqual({
      bitcoin: { eur: '87654.32', last_updated_at: '1767225600' },
    });
  });

  it('keeps digits a float would lose', () => {
    const text = '{"price":87654.123456789012345678}';
    expect(parseJsonKeepingNumbers(text)).toEqual({ price: '87654.123456789012345678' });
    expect(String((JSON.parse(text) as { price: number }).price)).not.toBe('87654.123456789012345678');
  });

  it.each([
    ['[-1.5e+3, 0, 1E400, -0.0]', ['-1.5e+3', '0', '1E400', '-0.0']],
    [
      '{"s":"a \\"12\\" b","n":[1,{"x":-2}],"t":true,"z":null}',
      { s: 'a "12" b', n: ['1', { x: '-2' }], t: true, z: null },
    ],
    ['{"key 3":"3","\\\\":4}', { 'key 3': '3', '\\': '4' }],
    ['  42  ', '42'],
  ])('%s', (text, expected) => {
    expect(parseJsonKeepingNumbers(text)).toEqual(expected);
  });

  it.each(['', '<html>', '{"eur":NaN}', '{"eur":Infinity}', '{"eur":01}', '{"a":1,}'])('rejects %j', (text) => {
    expect(() => parseJsonKeepingNumbers(text)).toThrow(SyntaxError);
  });
});
