/**
 * The shop's routes without a browser: orders are priced by the server from its catalogue, whatever
 * the browser posts; the invoice views are mounted under /api/invoices.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/index.js';
import { createFakeLnd, createFixedRates, createMemoryStore } from '../../src/testing/index.js';
import { createCheckoutApp, type CheckoutApp } from './app.js';

let lightning: Lightning;
let shop: CheckoutApp;
let server: Server;
let base: string;

beforeAll(async () => {
  lightning = createLightning({
    lnd: createFakeLnd().lnd,
    rates: createFixedRates('87654.32'),
    store: createMemoryStore(),
  });
  await lightning.start();
  shop = createCheckoutApp({ lightning });
  server = shop.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  shop.invoices.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await lightning.stop();
});

const order = (body: string): Promise<Response> =>
  fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });

describe('examples/express-checkout', () => {
  it('lists the products', async () => {
    const page = await (await fetch(base)).text();
    expect(page).toContain('lnkit T-shirt');
    expect(page).toContain('€19.99');
  });

  it('POST /orders prices from the catalogue, ignoring any amount the browser sends, and redirects to checkout', async () => {
    const response = await order('sku=tee&amountEur=0.01&amountSat=1');
    expect(response.status).toBe(303);
    const id = /^\/checkout\/(inv_[0-9a-z]{26})$/.exec(response.headers.get('location') ?? '')?.[1];
    expect(id).toBeDefined();
    const invoice = await lightning.invoices.get(id!);
    expect(invoice.amountEur?.toFixed(2)).toBe('19.99');
    expect(invoice.amountMsat).toBe(22_806_000n);
    const view = (await (await fetch(`${base}/api/invoices/${id}`)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ invoice_id: id, amount_eur: '19.99', amount_sats: 22_806, status: 'open' });
    const page = await fetch(`${base}/checkout/${id}`);
    expect(await page.text()).toContain('/static/checkout.js');
  });

  it.each(['sku=nothing', 'sku=', ''])('POST /orders with %j is 400 and creates nothing', async (body) => {
    const before = (await lightning.invoices.list()).items.length;
    const response = await order(body);
    expect(response.status).toBe(400);
    expect((await lightning.invoices.list()).items.length).toBe(before);
  });

  it('the invoice API is read only', async () => {
    const response = await fetch(`${base}/api/invoices`, { method: 'POST', body: '{"amountEur":"1"}' });
    expect(response.status).toBe(405);
  });
});
