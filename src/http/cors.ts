/**
 * CORS for the invoice handlers: off by default; on for listed origins (or any origin with `'*'`).
 * Never with credentials: the handlers need no cookie, the invoice id is the capability.
 */

/** Which origins may read the handlers' responses from a browser. */
export interface CorsConfig {
  /** `'*'` for any origin, or the exact origins (`'https://shop.example'`). */
  readonly origin: '*' | string | readonly string[];
  /** How long a browser may cache a preflight answer, in seconds. Default is 600. */
  readonly maxAgeSeconds?: number;
}

const allows = (cors: CorsConfig, origin: string): boolean =>
  cors.origin === '*' || (typeof cors.origin === 'string' ? cors.origin === origin : cors.origin.includes(origin));

/** Response headers for a request from `origin`: `access-control-allow-origin` when it is allowed. */
export function corsHeaders(cors: CorsConfig | undefined, origin: string | null): Headers {
  const headers = new Headers();
  if (!cors) return headers;
  if (cors.origin !== '*') headers.set('vary', 'Origin');
  if (origin !== null && allows(cors, origin)) {
    headers.set('access-control-allow-origin', cors.origin === '*' ? '*' : origin);
  }
  return headers;
}

/** The answer to an OPTIONS preflight: 204, with the allowed method and header when the origin is allowed. */
export function preflight(cors: CorsConfig | undefined, headers: Headers): Response {
  headers.set('allow', 'GET, HEAD, OPTIONS');
  if (cors && headers.has('access-control-allow-origin')) {
    headers.set('access-control-allow-methods', 'GET, HEAD');
    headers.set('access-control-allow-headers', 'Last-Event-ID, Cache-Control');
    headers.set('access-control-max-age', String(cors.maxAgeSeconds ?? 600));
  }
  return new Response(null, { status: 204, headers });
}
