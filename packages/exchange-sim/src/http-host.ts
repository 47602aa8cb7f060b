/**
 * The one node:http server every simulator runs: REST routes and WebSocket upgrades share the
 * port, as on the real exchanges. Listening resolves with the bound address; closing waits for
 * the caller's connections to finish first (keep-alive sockets would otherwise hold close()).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** How long stop() waits for clients to answer the 1001 close before cutting them. */
export const STOP_GRACE_MS = 1_000;
/** Idle keep-alive sockets are closed after this long (stop() closes them explicitly anyway). */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export interface HttpHostOptions {
  readonly host: string;
  readonly port: number;
  /** Largest request head in bytes; Node's default when absent. */
  readonly maxHeaderSize?: number;
  readonly route: (req: IncomingMessage, res: ServerResponse) => void;
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/** A listening server and the URLs to reach it. */
export interface HttpHost {
  readonly server: Server;
  readonly port: number;
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** e.g. ws://127.0.0.1:PORT */
  readonly wsUrl: string;
  /**
   * Stops listening, runs `closeConnections` (the WebSocket gateway's graceful stop), then cuts
   * any HTTP connection still open and resolves once the server is closed.
   */
  close(closeConnections: () => Promise<void>): Promise<void>;
}

export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** A host as it appears in a URL (IPv6 literals in brackets). */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Creates the server and resolves once it listens; rejects with the listen error (EADDRINUSE...). */
export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const server =
    options.maxHeaderSize === undefined
      ? createServer((req, res) => options.route(req, res))
      : createServer({ maxHeaderSize: options.maxHeaderSize }, (req, res) => options.route(req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    options.upgrade(req, socket, head),
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  const address = await listen(server, options.host, options.port);
  const base = `${urlHost(options.host)}:${address.port}`;
  return {
    server,
    port: address.port,
    url: `http://${base}`,
    wsUrl: `ws://${base}`,
    close: async (closeConnections) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await closeConnections();
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Parses a request URL; undefined when it cannot be parsed. */
export function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://sim.invalid');
  } catch {
    return undefined;
  }
}
