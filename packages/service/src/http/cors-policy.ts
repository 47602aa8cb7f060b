/**
 * Cross-origin access for browsers on other origins, from an allow-list (`CORS_ORIGINS`). The
 * API is read-only and takes no credentials, so an allowed origin may read every response and
 * send any header; an origin not on the list gets no CORS header at all, and the browser keeps
 * the response from its page. With an empty list nothing changes for anyone.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Allows every origin. */
export const ANY_ORIGIN = '*';
/** Headers a page may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'ETag, Retry-After';
/** How long a browser may reuse a preflight answer (s). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;
/** Request header names a preflight may ask for: HTTP tokens, comma separated. */
const REQUEST_HEADERS_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

export class CorsPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: ReadonlySet<string>;

  /** `origins`: exact origins (`https://app.example.com`), or `*` for every origin. */
  constructor(origins: readonly string[]) {
    this.anyOrigin = origins.includes(ANY_ORIGIN);
    this.origins = new Set(origins);
  }

  get enabled(): boolean {
    return this.anyOrigin || this.origins.size > 0;
  }

  /** Sets the headers that let an allowed origin read this response. */
  applyTo(req: IncomingMessage, res: ServerResponse): void {
    if (!this.enabled) return;
    // Answers differ by origin, so caches must keep them apart (also when this one is refused).
    if (!this.anyOrigin) res.setHeader('Vary', 'Origin');
    const origin = this.allowedOrigin(req);
    if (origin === undefined) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  }

  /** Adds the preflight answer to `res` when `req` is a preflight from an allowed origin. */
  applyPreflight(req: IncomingMessage, res: ServerResponse, allow: readonly string[]): void {
    if (this.allowedOrigin(req) === undefined || req.headers['access-control-request-method'] === undefined)
      return;
    res.setHeader('Access-Control-Allow-Methods', allow.join(', '));
    const requested = req.headers['access-control-request-headers'];
    if (requested !== undefined && REQUEST_HEADERS_PATTERN.test(requested)) {
      res.setHeader('Access-Control-Allow-Headers', requested);
      res.appendHeader('Vary', 'Access-Control-Request-Headers');
    }
    res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
  }

  private allowedOrigin(req: IncomingMessage): string | undefined {
    const origin = req.headers.origin;
    if (origin === undefined) return undefined;
    if (this.anyOrigin) return ANY_ORIGIN;
    return this.origins.has(origin) ? origin : undefined;
  }
}
