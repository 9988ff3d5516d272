import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpAgents, httpPost, type HttpPostRequest } from './http-post.js';
import { startTestReceiver, type TestReceiver } from './test-receiver.js';

let receiver: TestReceiver;
const agents = createHttpAgents(2);
beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(async () => {
  agents.destroy();
  await receiver.close();
});

const request = (url: string, patch: Partial<HttpPostRequest> = {}): HttpPostRequest => ({
  url: new URL(url),
  headers: { 'content-type': 'application/json' },
  body: Buffer.from('{"a":1}'),
  timeoutMs: 2_000,
  maxResponseBytes: 1024,
  allowPrivateNetwork: true,
  agents,
  ...patch,
});

describe('httpPost', () => {
  it('sends the exact bytes and returns status, headers and body', async () => {
    receiver.respond((_req, res) => res.writeHead(201, { 'x-test': 'yes' }).end('created'));
    const result = await httpPost(request(receiver.url));
    expect(result).toMatchObject({ statusCode: 201, body: 'created', truncated: false, error: null });
    expect(result.headers['x-test']).toBe('yes');
    expect(receiver.requests.at(-1)!.body.toString()).toBe('{"a":1}');
  });

  it('refuses a host name that resolves to loopback, through the DNS guard, before connecting', async () => {
    const before = receiver.requests.length;
    const url = receiver.url.replace('127.0.0.1', 'localhost');
    const result = await httpPost(request(url, { allowPrivateNetwork: false }));
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/^refused to connect to (127\.0\.0\.1|::1): loopback address/);
    expect(receiver.requests.length).toBe(before);
  });

  it('truncates a large body at maxResponseBytes', async () => {
    receiver.respond((_req, res) => res.end(Buffer.alloc(100_000, 'y')));
    const result = await httpPost(request(receiver.url, { maxResponseBytes: 100 }));
    expect(result).toMatchObject({ statusCode: 200, truncated: true, error: null });
    expect(result.body).toBe('y'.repeat(100));
  });

  it('reports a refused connection as an error, never a rejection', async () => {
    const result = await httpPost(request('http://127.0.0.1:1/hooks', { agents: undefined }));
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/^ECONNREFUSED/);
  });
});
