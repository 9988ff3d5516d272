/**
 * Terminal QR codes: the same encoder as the web's SVG (lnkit/http), as half-height block characters.
 */
import { lightningUri, renderQrText } from '../http/qr-svg.js';

/** Renders a BOLT11 string as a QR code of its uppercase `LIGHTNING:` URI (two modules per line). */
export function renderQr(paymentRequest: string): string {
  return renderQrText(lightningUri(paymentRequest));
}
