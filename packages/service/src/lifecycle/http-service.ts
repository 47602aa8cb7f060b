/**
 * The life of a service process built around one HTTP server, the same in every service:
 * `start()` undoes what it started when a step fails, `stop()` shuts down once however often it
 * is called, and connections still open when the grace period ends are cut, so a stop never
 * waits on a client.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@tickwire/observability';
import { closeServer, listenOn } from '../http/server-listening';
import type { RunnableService } from './run-service';

export abstract class HttpService implements RunnableService {
  protected abstract readonly server: Server;
  private stopping: Promise<void> | undefined;

  /** `log` names the service's own component; `graceMs` is its SHUTDOWN_GRACE_MS. */
  protected constructor(
    protected readonly log: Logger,
    private readonly graceMs: number,
  ) {}

  /** Starts the service's parts in dependency order, listening among them. */
  protected abstract startUp(): Promise<void>;

  /** Stops them in reverse order, closing HTTP with `closeHttp()`; runs within the grace period. */
  protected abstract shutDown(): Promise<void>;

  /** Resolves once the service serves; undoes what it started if a step fails. */
  async start(): Promise<void> {
    try {
      await this.startUp();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Idempotent: every call shares the one shutdown. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDownWithinGrace();
    return this.stopping;
  }

  port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Client connections the HTTP server holds open now (streams detached from it excluded). */
  openConnections(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
  }

  protected listen(address: { port: number; host: string; backlog?: number }): Promise<void> {
    return listenOn(this.server, address);
  }

  /**
   * Stops accepting connections, ends the long-lived responses the server no longer tracks
   * (`endStreams`: SSE clients detached from it), closes idle keep-alive connections and waits
   * for the requests in flight.
   */
  protected async closeHttp(endStreams?: () => Promise<void>): Promise<void> {
    const closed = closeServer(this.server);
    await endStreams?.();
    this.server.closeIdleConnections();
    await closed;
  }

  private async shutDownWithinGrace(): Promise<void> {
    const grace = setTimeout(() => {
      this.log.warn('grace period over; closing remaining connections');
      this.server.closeAllConnections();
    }, this.graceMs);
    try {
      await this.shutDown();
    } finally {
      clearTimeout(grace);
    }
  }
}
