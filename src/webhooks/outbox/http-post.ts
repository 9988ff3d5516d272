/**
 * One webhook POST over node:http/https: guarded DNS, no redirects, a total timeout, a capped
 * response body, keep-alive agents. Never throws: failures come back as `{ error }`.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { blockedReason, guardedLookup } from './address-guard.js';

// The public types below (a dispatcher's `post` override) name no node:http type, so that a
// consumer's type check does not need @types/node.

/** One request. `body` is sent as is. */
export interface HttpPostRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly allowPrivateNetwork: boolean;
  readonly agents?: HttpAgents;
}

/** Outcome: a status (any, including 3xx) or an error; always the latency. */
export interface HttpPostResult {
  readonly statusCode: number | null;
  /** Response headers, lower-cased (as node:http gives them). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** At most `maxResponseBytes` of the response body, as text. */
  readonly body: string;
  readonly truncated: boolean;
  readonly latencyMs: number;
  /** Network error, timeout or refused address; null when a response arrived. */
  readonly error: string | null;
}

/** A node:http(s) Agent, as far as callers outside this file see it. */
export interface HttpAgentHandle {
  destroy(): void;
}

/** Keep-alive agents, one per protocol and private-network setting (a pooled socket must have passed the same guard). */
export interface HttpAgents {
  get(protocol: 'http:' | 'https:', allowPrivateNetwork: boolean): HttpAgentHandle;
  destroy(): void;
}

/** Creates lazily-built keep-alive agents with at most `maxSockets` sockets per host. */
export function createHttpAgents(maxSockets = 8): HttpAgents {
  const agents = new Map<string, http.Agent>();
  return {
    get(protocol, allowPrivate) {
      const key = `${protocol}${allowPrivate}`;
      let agent = agents.get(key);
      if (!agent) {
        const options = { keepAlive: true, maxSockets, scheduling: 'lifo' as const };
        agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
        agents.set(key, agent);
      }
      return agent;
    },
    destroy() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

/** POSTs `body` to `url`; resolves with the status or the error, never rejects. */
export function httpPost(request: HttpPostRequest): Promise<HttpPostResult> {
  const started = performance.now();
  const latency = (): number => Math.round(performance.now() - started);
  const { url } = request;
  return new Promise<HttpPostResult>((resolve) => {
    // The timer is armed after the request exists; `finish` may run before that (refused address).
    const state: { settled: boolean; timer?: ReturnType<typeof setTimeout> } = { settled: false };
    const finish = (result: Omit<HttpPostResult, 'latencyMs'>): void => {
      if (state.settled) return;
      state.settled = true;
      clearTimeout(state.timer);
      resolve({ ...result, latencyMs: latency() });
    };
    const failed = (error: string): void =>
      finish({ statusCode: null, headers: {}, body: '', truncated: false, error });

    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Node skips `lookup` for IP literals, so check them here.
    if (isIP(host) && !request.allowPrivateNetwork) {
      const reason = blockedReason(host);
      if (reason)
        return failed(
          `refused to connect to ${host}: ${reason} address (set allowPrivateNetwork on the endpoint to allow)`,
        );
    }
    const protocol = url.protocol as 'http:' | 'https:';
    const transport = protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(request.body.length) },
      lookup: guardedLookup(request.allowPrivateNetwork) as unknown as http.RequestOptions['lookup'],
      // Agents come from createHttpAgents (real http.Agent instances behind the narrow public type).
      ...(request.agents
        ? { agent: request.agents.get(protocol, request.allowPrivateNetwork) as http.Agent }
        : { agent: false }),
    });
    // A real-time bound on the whole exchange: connect, send, status line and the capped body.
    state.timer = setTimeout(() => {
      req.destroy();
      failed(`timed out after ${request.timeoutMs} ms`);
    }, request.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      failed(error.code === 'ADDRESS_BLOCKED' ? error.message : `${error.code ?? 'ERROR'}: ${error.message}`),
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const done = (): void =>
        finish({
          statusCode: res.statusCode ?? null,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
          error: null,
        });
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = request.maxResponseBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          truncated = true;
          // Stop reading: the socket is dropped instead of draining an unbounded body.
          res.destroy();
          done();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', done);
      res.on('error', () => done());
      res.on('close', done);
    });
    req.setNoDelay(true);
    req.end(request.body);
  });
}
