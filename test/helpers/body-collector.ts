/**
 * A local HTTP receiver that answers 204 and keeps every request body (webhook leak checks).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running collector: its URL, the bodies received so far, and close(). */
export interface BodyCollector {
  readonly url: string;
  readonly bodies: string[];
  close(): Promise<void>;
}

/** Starts a collector on 127.0.0.1 (a free port), at path `/hooks`. */
export async function startBodyCollector(): Promise<BodyCollector> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
