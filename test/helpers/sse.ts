/**
 * A Server-Sent Events client for tests: a parser of the wire format and a reader over a Fetch body
 * or a real HTTP connection (node:http), with waits bounded in time.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';

/** One event block: its fields, and the comment lines (heartbeats) seen before it. */
export interface SseMessage {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly retry?: number;
  readonly comments: readonly string[];
}

/** Parses SSE text pushed in arbitrary pieces into complete blocks. */
export function createSseParser(): (text: string) => SseMessage[] {
  let buffer = '';
  return (text) => {
    buffer += text;
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    return blocks.map((block) => {
      const fields: Record<string, string> = {};
      const comments: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments.push(line.slice(1).trim());
        else {
          const colon = line.indexOf(':');
          const name = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          fields[name] = fields[name] === undefined ? value : `${fields[name]}\n${value}`;
        }
      }
      return {
        ...(fields.id !== undefined ? { id: fields.id } : {}),
        ...(fields.event !== undefined ? { event: fields.event } : {}),
        ...(fields.data !== undefined ? { data: fields.data } : {}),
        ...(fields.retry !== undefined ? { retry: Number(fields.retry) } : {}),
        comments,
      };
    });
  };
}

/** A live stream being read: every block so far, a bounded wait for the next match, and its end. */
export interface SseReader {
  readonly messages: SseMessage[];
  /** Everything received, as text. */
  readonly text: () => string;
  /** Resolves with the first block (already seen or to come) for which `match` is true. */
  waitFor(match: (message: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

function createReader(close: () => void): SseReader & { push(text: string): void; end(): void } {
  const parse = createSseParser();
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  let all = '';
  let markEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  return {
    messages,
    text: () => all,
    ended,
    close,
    push(text) {
      all += text;
      messages.push(...parse(text));
      for (const wake of [...waiters]) wake();
    },
    end() {
      markEnded();
      for (const wake of [...waiters]) wake();
    },
    waitFor(match, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        let done = false;
        const check = (): void => {
          const found = messages.find(match);
          if (found && !done) {
            done = true;
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          done = true;
          reject(new Error(`no matching SSE message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Reads the SSE body of a Fetch `Response`. */
export function readSseBody(response: Response): SseReader {
  const body = response.body;
  if (!body) throw new Error('the response has no body');
  const reader = body.getReader();
  const sse = createReader(() => void reader.cancel());
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      sse.push(decoder.decode(value, { stream: true }));
    }
    sse.end();
  })();
  return sse;
}

/** Opens `url` over real HTTP; resolves once the response headers are in. */
export function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseReader & { readonly status: number; readonly headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      const sse = createReader(() => req.destroy());
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => sse.push(chunk));
      res.on('end', () => sse.end());
      res.on('close', () => sse.end());
      resolve(Object.assign(sse, { status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
