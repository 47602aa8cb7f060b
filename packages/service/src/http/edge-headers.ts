/** Headers every response of every service carries, set before any route runs. */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { CorsPolicy } from './cors-policy';

/** Browsers must not guess a type other than the one sent (a JSON error is never a script). */
export const NOSNIFF = 'nosniff';

/** Wraps a request listener so every response gets `nosniff` and, for allowed origins, CORS. */
export function withEdgeHeaders(listener: RequestListener, cors: CorsPolicy): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('X-Content-Type-Options', NOSNIFF);
    cors.applyTo(req, res);
    listener(req, res);
  };
}
