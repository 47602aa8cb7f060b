/**
 * The node HTTP server of a service. Its listener is expected to be wrapped in
 * `withEdgeHeaders`; the server adds JSON answers for what node's parser refuses.
 */
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import { answerClientErrorsAsJson } from './client-errors';

/** `options`: node's server options (a service's own `maxHeaderSize`, timeouts). */
export function createServiceServer(listener: RequestListener, options: ServerOptions = {}): Server {
  const server = createServer(options, listener);
  answerClientErrorsAsJson(server);
  return server;
}
