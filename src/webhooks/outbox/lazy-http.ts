/**
 * The dispatcher's HTTP transport, loaded on the first webhook POST: node:http, node:https and
 * the DNS guard are not paid for by `import('lnkit')` or by a process that never delivers.
 */
import type { HttpAgents, HttpPostRequest, HttpPostResult } from './http-post.js';

type HttpPostModule = typeof import('./http-post.js');

/** Agents and a POST function backed by http-post.ts once it is loaded. */
export interface LazyHttp {
  /** Keep-alive agents; made by the first POST (they are only used from inside it). */
  readonly agents: HttpAgents;
  post(request: HttpPostRequest): Promise<HttpPostResult>;
}

/** Creates the transport; nothing is loaded until `post` is first called. */
export function createLazyHttp(maxSockets: number): LazyHttp {
  let loaded: HttpPostModule | undefined;
  let real: HttpAgents | undefined;
  const agents: HttpAgents = {
    get(protocol, allowPrivateNetwork) {
      if (!loaded) throw new Error('webhook HTTP agents are made by the first POST; none was sent yet');
      real ??= loaded.createHttpAgents(maxSockets);
      return real.get(protocol, allowPrivateNetwork);
    },
    destroy() {
      real?.destroy();
      real = undefined;
    },
  };
  return {
    agents,
    async post(request) {
      loaded ??= await import('./http-post.js');
      return loaded.httpPost(request);
    },
  };
}
