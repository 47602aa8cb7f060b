/**
 * Many SSE clients that behave like a browser's EventSource behind a load balancer: when a
 * stream ends they wait the `retry:` time the pod sent, then reconnect with Last-Event-ID to
 * another pod of the list (those of one pod spread over the others; a refused or failed
 * connection moves on to the next). Every
 * tick each client received is kept, across its connections, so a test can check that none
 * was missed or repeated. One timer drives all clients, not one per client.
 */
import { openSse, type SseConnection } from '@tickwire/testkit';

/** How often closed streams are noticed and reconnected (ms). */
const SWEEP_INTERVAL_MS = 50;
/** Before a pod sent its retry hint (a refused connection), wait this long (ms). */
const DEFAULT_RETRY_MS = 1_000;

export interface ReceivedTick {
  id: string;
  data: string;
}

export interface ResumingClient {
  ticks: ReceivedTick[];
  /** Connections opened, the first one included. */
  connections: number;
  /** Each resumed connection: the Last-Event-ID it sent and where its ticks start in `ticks`. */
  seams: { lastEventId: string; at: number }[];
  /** Resumes answered with a snapshot instead of the missed events. */
  notRecovered: number;
  lastEventId: string | undefined;
  current: SseConnection | undefined;
  /** Absolute time (ms) before which it does not reconnect. */
  reconnectAt: number;
  connecting: boolean;
  podIndex: number;
  /** How many places along the pod list it moves when a stream ends. */
  hop: number;
}

export class ResumingSseClients {
  readonly clients: ResumingClient[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly podUrls: readonly string[],
    private readonly path: string,
  ) {}

  /** Opens `count` streams spread over the pods; resolves once each has its snapshot. */
  async open(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.clients.push({
        ticks: [],
        connections: 0,
        seams: [],
        notRecovered: 0,
        lastEventId: undefined,
        current: undefined,
        reconnectAt: 0,
        connecting: false,
        podIndex: i % this.podUrls.length,
        hop: 1 + (Math.floor(i / this.podUrls.length) % Math.max(1, this.podUrls.length - 1)),
      });
    }
    await Promise.all(this.clients.map((client) => this.connect(client)));
    this.timer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
  }

  /**
   * Whether the client streams from an open connection whose preamble (snapshot or replay, then
   * a status event) has arrived, so it no longer depends on anything in flight.
   */
  isSettled(client: ResumingClient): boolean {
    const connection = client.current;
    return (
      connection !== undefined && !connection.closed && connection.events.some((e) => e.event === 'status')
    );
  }

  /** Every tick a client holds: those of closed connections and of the open one. */
  ticksOf(client: ResumingClient): ReceivedTick[] {
    return [...client.ticks, ...ticksIn(client.current)];
  }

  close(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const client of this.clients) {
      if (client.current) client.notRecovered += notRecoveredIn(client.current);
      client.current?.close();
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const client of this.clients) {
      const connection = client.current;
      if (client.connecting || (connection && !connection.closed)) continue;
      if (connection) {
        client.ticks.push(...ticksIn(connection));
        client.notRecovered += notRecoveredIn(connection);
        client.lastEventId = connection.lastEventId ?? client.lastEventId;
        client.current = undefined;
        client.podIndex = (client.podIndex + client.hop) % this.podUrls.length;
        client.reconnectAt = now + (connection.retry ?? DEFAULT_RETRY_MS);
      }
      if (now >= client.reconnectAt) void this.connect(client);
    }
  }

  private async connect(client: ResumingClient): Promise<void> {
    if (this.stopped) return;
    client.connecting = true;
    const url = `${this.podUrls[client.podIndex]}${this.path}`;
    const headers: Record<string, string> =
      client.lastEventId === undefined ? {} : { 'Last-Event-ID': client.lastEventId };
    try {
      const connection = await openSse(url, headers);
      if (this.stopped) return connection.close();
      client.connections += 1;
      if (connection.status !== 200) {
        connection.close();
        throw new Error(`status ${connection.status}`);
      }
      client.current = connection;
      if (client.lastEventId !== undefined)
        client.seams.push({ lastEventId: client.lastEventId, at: client.ticks.length });
      if (client.lastEventId === undefined) {
        await connection.waitForEvents((events) => events.some((e) => e.event === 'snapshot'), 10_000);
      }
    } catch {
      // Refused or reset (the pod is restarting): the next sweep tries the next pod.
      client.podIndex = (client.podIndex + 1) % this.podUrls.length;
      client.reconnectAt = Date.now() + DEFAULT_RETRY_MS;
    } finally {
      client.connecting = false;
    }
  }
}

/** 1 when the pod answered a resume with a snapshot instead of the missed events. */
function notRecoveredIn(connection: SseConnection): number {
  const status = connection.events.find((e) => e.event === 'status');
  return status && (JSON.parse(status.data) as { recovered?: boolean }).recovered === false ? 1 : 0;
}

function ticksIn(connection: SseConnection | undefined): ReceivedTick[] {
  if (!connection) return [];
  return connection.events.filter((e) => e.event === 'tick').map((e) => ({ id: e.id!, data: e.data }));
}
