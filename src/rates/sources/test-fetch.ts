/**
 * Test support: a fetch that answers from a function, recording each call. Not exported from lnkit/rates.
 */

/** A recorded request. */
export interface FetchCall {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A fake `fetch` plus the calls it saw. */
export type FakeFetch = typeof globalThis.fetch & { readonly calls: FetchCall[] };

/** Builds a fake fetch; `respond` gets the URL and may return a Response, or throw like a network error. */
export function fakeFetch(respond: (url: string) => Response | Promise<Response>): FakeFetch {
  const calls: FetchCall[] = [];
  const fn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    calls.push({ url, headers });
    return respond(url);
  };
  return Object.assign(fn as typeof globalThis.fetch, { calls });
}

/** A JSON text response with `status`. */
export function jsonResponse(text: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'content-type': 'application/json', ...headers } });
}
