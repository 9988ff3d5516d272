/**
 * Fetch-API handlers for a checkout page: the public view of an invoice as JSON, its status live over
 * Server-Sent Events (with `Last-Event-ID` resume and heartbeats) and its BOLT11 as an SVG QR code;
 * `toNodeListener` mounts them in `node:http`, Express or Fastify. Loads no gRPC and no store.
 * @module lnkit/http
 */
export { createInvoiceStatusHandler, DEFAULT_HEARTBEAT_MS, DEFAULT_RETRY_MS } from './invoice-status-handler.js';
export type {
  InvoiceStatusHandler,
  InvoiceStatusHandlerConfig,
  InvoiceStatusSource,
} from './invoice-status-handler.js';
export type { CorsConfig } from './cors.js';
export { toNodeListener } from './node-listener.js';
export type { FetchHandler, NodeListener } from './node-listener.js';
export { PUBLIC_INVOICE_FIELDS, toPublicInvoiceJSON } from './public-invoice.js';
export type { PublicInvoiceJSON } from './public-invoice.js';
export { lightningUri, renderQrSvg } from './qr-svg.js';
export { toInvoiceJSON, toPaymentJSON } from '../domain/wire.js';
export type { InvoiceJSON, PaymentJSON } from '../domain/wire.js';
