/** Starting and ending a service's HTTP server as promises, the same way in every service. */
import type { Server } from 'node:http';

/** Resolves once `server` listens; rejects with the listen error (a port in use, a bad host). */
export function listenOn(
  server: Server,
  address: { port: number; host: string; backlog?: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting connections; resolves once every open one has closed (at once when not listening). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
