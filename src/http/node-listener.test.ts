import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener, type FetchHandler } from './node-listener.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(handler: FetchHandler): Promise<string> {
  server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('toNodeListener', () => {
  it('passes method, full URL, headers and body; writes status, headers and every Set-Cookie', async () => {
    let seen: { method: string; url: string; header: string | null; body: string } | undefined;
    const base = await serve(async (req) => {
      seen = { method: req.method, url: req.url, header: req.headers.get('x-test'), body: await req.text() };
      const headers = new Headers({ 'content-type': 'text/plain' });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response('hello', { status: 201, headers });
    });
    const response = await fetch(`${base}/x/y?z=1`, { method: 'POST', headers: { 'x-test': 'yes' }, body: 'payload' });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('hello');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(seen).toEqual({ method: 'POST', url: `${base}/x/y?z=1`, header: 'yes', body: 'payload' });
  });

  it('uses Express’s originalUrl when a mount path was stripped from req.url', async () => {
    let url = '';
    const listener = toNodeListener(async (req) => {
      url = new URL(req.url).pathname;
      return new Response(null, { status: 204 });
    });
    server = createServer((req, res) => {
      Object.assign(req, { originalUrl: req.url, url: '/inv_x/events' });
      listener(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await fetch(`http://127.0.0.1:${port}/api/invoices/inv_x/events`);
    expect(url).toBe('/api/invoices/inv_x/events');
  });

  it('HEAD gets the headers and no body', async () => {
    const base = await serve(async () => new Response('body', { headers: { 'x-a': '1' } }));
    const response = await fetch(base, { method: 'HEAD' });
    expect(response.headers.get('x-a')).toBe('1');
    expect(await response.text()).toBe('');
  });

  it('a handler that throws gives 500 without its message', async () => {
    const base = await serve(async () => {
      throw new Error('secret detail');
    });
    const response = await fetch(base);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret');
  });

  it('streams chunks as they come, and the client leaving aborts the request and cancels the body', async () => {
    let aborted = false;
    let cancelled = false;
    let push: (text: string) => void = () => undefined;
    const base = await serve(async (req) => {
      req.signal.addEventListener('abort', () => (aborted = true));
      return new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            push = (text) => controller.enqueue(new TextEncoder().encode(text));
          },
          cancel() {
            cancelled = true;
          },
        }),
      );
    });
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(base, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received.push(chunk);
          if (received.length === 1) push('second');
          else {
            req.destroy();
            resolve();
          }
        });
        push('first');
      });
      req.on('error', () => undefined);
      req.end();
      setTimeout(() => reject(new Error('no chunks')), 5000);
    });
    expect(received).toEqual(['first', 'second']);
    for (let i = 0; i < 100 && !(aborted && cancelled); i++) await new Promise((r) => setTimeout(r, 10));
    expect(aborted).toBe(true);
    expect(cancelled).toBe(true);
  });
});
