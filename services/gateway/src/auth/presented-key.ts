/** The API key a request carries: `Authorization: Bearer <key>`, or `X-API-Key: <key>`. */
import type { IncomingHttpHeaders } from 'node:http';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/**
 * The key presented, or undefined when the request carries none. Any `Authorization` header is
 * an attempt: one that is not a bearer key is answered as an invalid key, and counted.
 */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) return BEARER.exec(authorization)?.[1] ?? authorization;
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : undefined;
}
