/**
 * The WebSocket side of every simulator: applies the refuse-connections fault, asks the
 * exchange whether to accept an upgrade (path, streams, API key), and owns the open sockets for
 * the drop / malformed / stop operations. The exchange's protocol lives in the
 * connection object it creates for each accepted socket.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { FaultState } from '../fault-state';
import { CloseReason, type VenueSimStats } from './venue-stats';
import { VenueSocket } from './venue-socket';

/** Largest incoming frame: a Binance SUBSCRIBE with 1024 long stream names fits with room to spare. */
export const MAX_INCOMING_FRAME_BYTES = 1024 * 1024;
/** Close code when the simulator stops. */
export const SERVER_STOP_CLOSE_CODE = 1001;

/** Close reason text of dropAll(code) with a code. */
export const VENUE_DROP_CLOSE_REASON = 'Dropped by simulator';

/**
 * The frames of an exchange's malformed fault, sent in turn: its message cut short, non-JSON
 * text (an error page from a proxy), an empty frame, and valid JSON of the wrong shape.
 * Parsers must survive all of them.
 */
export function malformedFrames(truncated: string, wrongShape: string): readonly string[] {
  return [truncated, '<html><body>upstream error</body></html>', '', wrongShape];
}

/** What to do with an upgrade request: refuse it with an HTTP status, or accept it. */
export type UpgradeVerdict =
  { readonly reject: number } | { readonly accept: (socket: VenueSocket, req: IncomingMessage) => void };

export interface VenueGatewayOptions {
  readonly stats: VenueSimStats;
  readonly faults: FaultState;
  /** Decides on an upgrade request; `accept` wires the exchange's connection to the socket. */
  readonly verdict: (req: IncomingMessage) => UpgradeVerdict;
  /** Frames of the sendMalformed fault, sent in turn. */
  readonly malformedFrames: readonly string[];
  /** Sees every upgrade request first, whatever becomes of it (Binance counts attempts). */
  readonly onUpgradeRequest?: () => void;
}

/** Answers an upgrade request with a plain HTTP error instead of switching protocols. */
export function rejectHandshake(socket: Duplex, status: number): void {
  const text = STATUS_CODES[status] ?? 'Error';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

export class VenueGateway {
  private readonly wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_INCOMING_FRAME_BYTES,
  });
  private readonly sockets = new Set<VenueSocket>();
  private nextId = 1;
  private stopping = false;

  constructor(private readonly options: VenueGatewayOptions) {}

  get openConnections(): number {
    return this.sockets.size;
  }

  /** The http server's 'upgrade' handler. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until the ws library takes over, a reset socket must not crash the process.
    socket.on('error', () => undefined);
    const { stats, faults } = this.options;
    this.options.onUpgradeRequest?.();
    if (this.stopping) {
      socket.destroy();
      return;
    }
    if (faults.refusingConnections) {
      // No HTTP answer at all: the client sees a reset, like a listener that went away.
      stats.refusedConnections += 1;
      socket.destroy();
      return;
    }
    const verdict = this.options.verdict(req);
    if ('reject' in verdict) {
      stats.rejectedHandshakes += 1;
      rejectHandshake(socket, verdict.reject);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.stopping) {
        ws.terminate();
        return;
      }
      const venueSocket = new VenueSocket(ws, this.nextId++, stats, (s) => this.sockets.delete(s));
      this.sockets.add(venueSocket);
      verdict.accept(venueSocket, req);
    });
  }

  /** Drops every connection: abruptly (no close frame) without a code, else with a close frame. */
  dropAll(code?: number): void {
    for (const socket of [...this.sockets]) {
      if (code === undefined) socket.terminate(CloseReason.DROPPED);
      else socket.closeWith(code, VENUE_DROP_CLOSE_REASON, CloseReason.DROPPED);
    }
  }

  /** Sends `count` malformed text frames to every open connection. */
  sendMalformed(count: number): void {
    const frames = this.options.malformedFrames;
    for (const socket of this.sockets) {
      for (let i = 0; i < count; i++) socket.send(frames[i % frames.length] ?? '');
    }
  }

  /** Closes every connection with 1001, cutting those that do not finish within graceMs. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const open = [...this.sockets];
    for (const socket of open)
      socket.closeWith(SERVER_STOP_CLOSE_CODE, 'Server stopping', CloseReason.SERVER_STOP);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(open.map((s) => s.closed)), grace]);
    if (timer) clearTimeout(timer);
    for (const socket of [...this.sockets]) socket.terminate(CloseReason.SERVER_STOP);
    await Promise.all(open.map((s) => s.closed));
    this.wss.close();
  }
}
