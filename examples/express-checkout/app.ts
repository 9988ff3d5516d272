/**
 * The shop: an Express 5 app with a product page, `POST /orders` creating the EUR invoice on the
 * server (the price comes from the catalogue, never from the browser), a checkout page, and lnkit/http
 * mounted under /api/invoices for the page's live status, JSON view and QR code.
 */
import { join } from 'node:path';
import express, { type Express } from 'express';
import type { Lightning } from '../../src/index.js';
import { createInvoiceStatusHandler, toNodeListener, type InvoiceStatusHandler } from '../../src/http/index.js';

/** One thing the shop sells. */
export interface Product {
  readonly sku: string;
  readonly name: string;
  /** The price in EUR, as a decimal string. */
  readonly priceEur: string;
}

/** The example catalogue. */
export const PRODUCTS: readonly Product[] = [
  { sku: 'tee', name: 'lnkit T-shirt', priceEur: '19.99' },
  { sku: 'mug', name: 'Lightning mug', priceEur: '9.50' },
  { sku: 'stickers', name: 'Sticker pack', priceEur: '2.00' },
];

/** Options of {@link createCheckoutApp}. */
export interface CheckoutAppOptions {
  readonly lightning: Lightning;
  readonly products?: readonly Product[];
  /** How long an order's invoice may be paid. Default is 15 minutes. */
  readonly expirySeconds?: number;
  /** Heartbeat of the status stream. Default is lnkit's (15 s). */
  readonly heartbeatMs?: number;
}

/** The app and the invoice handler (close its streams before closing the server). */
export interface CheckoutApp {
  readonly app: Express;
  readonly invoices: InvoiceStatusHandler;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function productPage(products: readonly Product[]): string {
  const items = products
    .map(
      (p) => `<li class="product">
      <span class="name">${escapeHtml(p.name)}</span> <span class="price">€${escapeHtml(p.priceEur)}</span>
      <form method="post" action="/orders"><input type="hidden" name="sku" value="${escapeHtml(p.sku)}">
        <button type="submit" data-sku="${escapeHtml(p.sku)}">Buy with Lightning</button></form>
    </li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lnkit shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/static/style.css"></head>
<body><main><h1>lnkit shop</h1><ul class="products">${items}</ul></main></body></html>`;
}

/**
 * Builds the shop on a started `lightning`.
 * @example const { app } = createCheckoutApp({ lightning }); app.listen(3000);
 */
export function createCheckoutApp(options: CheckoutAppOptions): CheckoutApp {
  const { lightning } = options;
  const products = options.products ?? PRODUCTS;
  const invoices = createInvoiceStatusHandler({
    lightning,
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  const app = express();
  app.disable('x-powered-by');

  // The public, read-only invoice views: JSON, Server-Sent Events, QR code. One line with lnkit/http.
  app.use('/api/invoices', toNodeListener(invoices.fetch));

  app.use('/static', express.static(join(import.meta.dirname, 'public'), { index: false }));
  app.get('/', (_req, res) => {
    res.type('html').send(productPage(products));
  });

  // Creating an invoice is the shop's own server code, with the price it computed: never a public endpoint
  // that takes an amount from the browser.
  app.post('/orders', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res, next) => {
    try {
      const sku = typeof req.body?.sku === 'string' ? req.body.sku : '';
      const product = products.find((p) => p.sku === sku);
      if (!product) {
        res.status(400).type('text').send('unknown product');
        return;
      }
      const invoice = await lightning.invoices.create({
        amountEur: product.priceEur,
        description: `lnkit shop: ${product.name}`,
        expirySeconds: options.expirySeconds ?? 900,
        metadata: { sku: product.sku },
      });
      res.redirect(303, `/checkout/${invoice.id}`);
    } catch (error) {
      next(error);
    }
  });

  app.get('/checkout/:id', (_req, res) => {
    res.sendFile(join(import.meta.dirname, 'public', 'checkout.html'));
  });

  return { app, invoices };
}
