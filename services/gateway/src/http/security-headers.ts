/**
 * Security headers on every response (helmet), tuned for a JSON API: nothing may be framed,
 * embedded or run from it, and no referrer leaves it. HSTS only when clients reach the gateway
 * over HTTPS (BEHIND_TLS): sent over plain HTTP it would be ignored, or, behind a TLS-terminating
 * proxy the gateway cannot see, pin browsers to HTTPS on a host that may not serve it.
 */
import type { RequestListener } from 'node:http';
import helmet from 'helmet';

/** How long browsers keep to HTTPS once told (s): one year, the common preload minimum. */
const HSTS_MAX_AGE_SECONDS = 365 * 86_400;

export function withSecurityHeaders(
  listener: RequestListener,
  options: { behindTls: boolean },
): RequestListener {
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: options.behindTls
      ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true }
      : false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
  return (req, res) => setHeaders(req, res, () => listener(req, res));
}
