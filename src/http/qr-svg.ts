/**
 * Lightning payment requests as QR codes, through `qr` (zero dependencies, by the author of the
 * noble/scure libraries lnkit already uses). One encoder for the web (SVG) and the CLI (text).
 */
import encodeQR from 'qr';

/** Quiet zone around the code, in modules: ISO/IEC 18004 asks for 4. */
const QUIET_ZONE = 4;

/**
 * The `LIGHTNING:` URI of a BOLT11 string, uppercase: a QR code in alphanumeric mode is about a
 * third smaller than in byte mode, and wallets scan it more reliably.
 */
export function lightningUri(paymentRequest: string): string {
  return `LIGHTNING:${paymentRequest.toUpperCase()}`;
}

/** The dark modules of `text` as rows of booleans, quiet zone included. */
export function qrModules(text: string): boolean[][] {
  return encodeQR(text, 'raw', { ecc: 'medium', border: QUIET_ZONE });
}

/**
 * `text` as a standalone SVG QR code: a white square and one path of horizontal runs (a few KB for a
 * BOLT11), scaled by the viewer (`width` in CSS).
 * @example renderQrSvg(lightningUri(invoice.paymentRequest))
 */
export function renderQrSvg(text: string): string {
  const rows = qrModules(text);
  const size = rows.length;
  let path = '';
  rows.forEach((row, y) => {
    for (let x = 0; x < size;) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && row[x]) x++;
      path += `M${start} ${y}h${x - start}v1h-${x - start}z`;
    }
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" role="img" aria-label="Lightning invoice QR code">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>\n`
  );
}

/** `text` as a QR code of half-height block characters (two modules a line), for a terminal. */
export function renderQrText(text: string): string {
  const rendered = encodeQR(text, 'ascii', { ecc: 'medium', border: 2 });
  return rendered.endsWith('\n') ? rendered : `${rendered}\n`;
}
