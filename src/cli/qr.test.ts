import decodeQR from 'qr/decode.js';
import { describe, expect, it } from 'vitest';
import { renderQr } from './qr.js';

const BOLT11 =
  'lnbcrt55560n1p4s7e6gsp5jzv4nereff3kaqxu3xxpcancmh088l0cwshfmv802a2248ghymaspp5qvyhfvfsj2cg4rwup995druvryr88hpzvr4p04tctr3sc747wmvsdpgd3hxk6t5ypeksmms8gsyc6t8dp6xu6twvusx6at8xqzuycqzzs9qyysgq';

/** Reads half-block text back into modules: a lit half is a light module (dark terminal). */
function decodeText(text: string): string {
  const lines = text.trimEnd().split('\n');
  const width = [...lines[0]!].length;
  const light: boolean[][] = [];
  for (const line of lines) {
    const chars = [...line];
    light.push(chars.map((c) => c === '█' || c === '▀'));
    light.push(chars.map((c) => c === '█' || c === '▄'));
  }
  const scale = 4;
  const w = width * scale;
  const h = light.length * scale;
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = light[Math.floor(y / scale)]![Math.floor(x / scale)] ? 255 : 0;
      data.set([v, v, v, 255], (y * w + x) * 4);
    }
  }
  return decodeQR({ width: w, height: h, data });
}

describe('renderQr', () => {
  it('draws the uppercase LIGHTNING: URI in half-height blocks, two modules a line, and decodes back', () => {
    const text = renderQr(BOLT11);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toMatch(/^[█▀▄ \n]+$/);
    expect(decodeText(text)).toBe(`LIGHTNING:${BOLT11.toUpperCase()}`);
  });
});
