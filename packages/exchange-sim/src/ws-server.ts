/**
 * The WebSocket side of the simulator: routes upgrade requests (/ws, /ws/<streams>, /stream,
 * /stream?streams=; anything else is HTTP 404 at the handshake, as on Binance), applies the
 * refuse-connections fault, and owns the set of open connections for the drop / malformed /
 * silence / stop operations. It also counts connection attempts over Binance's 5-minute window.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { RollingCounter } from './rolling-counter';
import { SimConnection, type ConnectionContext, type ConnectionRoute } from './ws-connection';

/** Largest incoming frame: a SUBSCRIBE with 1024 long stream names fits with room to spare. */
export const MAX_INCOMING_FRAME_BYTES = 1024 * 1024;
/** Close code when the simulator stops. */
export const SERVER_STOP_CLOSE_CODE = 1001;
/** Close reason of dropAll(code) with a code. */
export const DROP_CLOSE_REASON = 'Dropped by simulator';
/** Window of the connection-attempt counter ("300 connections per attempt every 5 minutes per IP"). */
export const CONNECTION_ATTEMPT_WINDOW_MS = 5 * 60_000;

/**
 * Frames of the malformed fault, sent in turn: truncated JSON, non-JSON text, an empty frame,
 * and valid JSON of the wrong shape. Parsers must survive all of them.
 */
export const MALFORMED_FRAMES: readonly string[] = [
  '{"stream":"btcusdt@trade","data":{"e":"trade","E":17000000',
  '<html><body>upstream error</body></html>',
  '',
  '{"stream":"btcusdt@trade","data":null}',
];

/** Streams named in the URL; undefined when the path is not a Binance stream endpoint. */
export function routeOf(rawUrl: string): ConnectionRoute | undefined {
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
  try {
    if (path === '/ws' || path === '/ws/') return { combined: false, streams: [] };
    if (path.startsWith('/ws/'))
      return { combined: false, streams: splitStreams(decodeURIComponent(path.slice(4))) };
    if (path === '/stream') {
      // Decoded by hand: URLSearchParams would turn '+' into a space.
      const param = query.split('&').find((p) => p.startsWith('streams='));
      return {
        combined: true,
        streams: splitStreams(decodeURIComponent(param?.slice('streams='.length) ?? '')),
      };
    }
  } catch {
    return undefined; // malformed percent-encoding
  }
  return undefined;
}

function splitStreams(list: string): string[] {
  return list.split('/').filter((s) => s.length > 0);
}

/** Answers an upgrade request with a plain HTTP error instead of switching protocols. */
export function rejectHandshake(socket: Duplex, status: number): void {
  const text = STATUS_CODES[status] ?? 'Error';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

export class WsGateway {
  private readonly wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_INCOMING_FRAME_BYTES,
  });
  private readonly connections = new Set<SimConnection>();
  private readonly attempts = new RollingCounter(CONNECTION_ATTEMPT_WINDOW_MS);
  private readonly silencedSymbols = new Set<string>();
  private stopping = false;

  constructor(private readonly ctx: ConnectionContext) {}

  get openConnections(): number {
    return this.connections.size;
  }

  /** Upgrade requests in the last CONNECTION_ATTEMPT_WINDOW_MS, whatever their outcome. */
  connectionAttempts(now: number): number {
    return this.attempts.count(now);
  }

  /** Symbols under the silence fault, sorted. */
  get silenced(): string[] {
    return [...this.silencedSymbols].sort();
  }

  /**
   * The silenceSymbol fault (uppercase symbol): on silences the symbol's streams on the
   * connections subscribed to them now; off lets every one of them deliver again.
   */
  silenceSymbol(symbol: string, on: boolean): void {
    if (on) this.silencedSymbols.add(symbol);
    else this.silencedSymbols.delete(symbol);
    for (const connection of this.connections) {
      if (on) connection.silenceSymbol(symbol);
      else connection.unsilenceSymbol(symbol);
    }
  }

  /** Ends every silence (the reset fault). */
  clearSilences(): void {
    for (const symbol of [...this.silencedSymbols]) this.silenceSymbol(symbol, false);
  }

  /** The http server's 'upgrade' handler. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until the ws library takes over, a reset socket must not crash the process.
    socket.on('error', () => undefined);
    this.attempts.add(this.ctx.clock());
    if (this.stopping) {
      socket.destroy();
      return;
    }
    if (this.ctx.faults.refusingConnections) {
      // No HTTP answer at all: the client sees a reset, like a listener that went away.
      this.ctx.stats.refusedConnections += 1;
      socket.destroy();
      return;
    }
    const route = routeOf(req.url ?? '/');
    if (!route) {
      rejectHandshake(socket, 404);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.stopping) {
        ws.terminate();
        return;
      }
      const connection = new SimConnection(ws, this.ctx, route, (c) => this.connections.delete(c));
      this.connections.add(connection);
      connection.start();
    });
  }

  /** Drops every connection: abruptly (no close frame) without a code, else with a close frame. */
  dropAll(code?: number): void {
    for (const connection of [...this.connections]) {
      if (code === undefined) connection.terminate();
      else connection.closeWith(code, DROP_CLOSE_REASON);
    }
  }

  /** Sends `count` malformed text frames to every open connection. */
  sendMalformed(count: number): void {
    for (const connection of this.connections) {
      for (let i = 0; i < count; i++)
        connection.sendText(MALFORMED_FRAMES[i % MALFORMED_FRAMES.length] ?? '');
    }
  }

  /** Closes every connection with 1001, terminating those that do not finish within graceMs. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const open = [...this.connections];
    for (const connection of open) connection.closeWith(SERVER_STOP_CLOSE_CODE, 'Server stopping');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(open.map((c) => c.closed)), grace]);
    if (timer) clearTimeout(timer);
    for (const connection of [...this.connections]) connection.terminate();
    await Promise.all(open.map((c) => c.closed));
    this.wss.close();
  }
}
