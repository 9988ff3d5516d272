/**
 * Terminal QR codes through `qrcode-terminal` (CommonJS, untyped: loaded with createRequire and
 * given the one signature we use).
 */
import { createRequire } from 'node:module';

interface QrcodeTerminal {
  generate(text: string, options: { small: boolean }, callback: (qr: string) => void): void;
}

/** Renders `text` as a QR code of half-height block characters (two modules per line). */
export function renderQr(text: string): string {
  const qrcode = createRequire(import.meta.url)('qrcode-terminal') as QrcodeTerminal;
  let rendered = '';
  // generate() calls back synchronously.
  qrcode.generate(text.toUpperCase(), { small: true }, (qr) => {
    rendered = qr;
  });
  return rendered.endsWith('\n') ? rendered : `${rendered}\n`;
}
