/**
 * The node HTTP server of a service. Its listener is expected to be wrapped in
 * `withEdgeHeaders`; the server adds JSON answers for what node's parser refuses.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { answerClientErrorsAsJson } from './client-errors';

export function createServiceServer(listener: RequestListener): Server {
  const server = createServer(listener);
  answerClientErrorsAsJson(server);
  return server;
}
