/**
 * Reading lnkit's SVG QR codes back, as a camera would, with the decoder of the same library.
 */
import decodeQR from 'qr/decode.js';

/** Reads the SVG's path back into modules and decodes them as a camera would. */
export function decodeSvgQr(svg: string): string {
  const size = Number(/viewBox="0 0 (\d+)/.exec(svg)![1]);
  const dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  for (const [, x, y, w] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(w); i++) dark[Number(y)]![Number(x) + i] = true;
  }
  const scale = 4;
  const px = size * scale;
  const data = new Uint8Array(px * px * 4);
  for (let y = 0; y < px; y++) {
    for (let x = 0; x < px; x++) {
      const v = dark[Math.floor(y / scale)]![Math.floor(x / scale)] ? 0 : 255;
      data.set([v, v, v, 255], (y * px + x) * 4);
    }
  }
  return decodeQR({ width: px, height: px, data });
}
