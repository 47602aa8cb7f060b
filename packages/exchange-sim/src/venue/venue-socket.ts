/**
 * One accepted WebSocket of any simulator, below the exchange's protocol:
 * counted open and closed (with the reason), text frames in, text frames out with the
 * slow-consumer cut, and the two ways to end it (a close frame, or a cut without one).
 */
import type { RawData, WebSocket } from 'ws';
import { CloseReason, type VenueSimStats } from './venue-stats';

/**
 * A client that lets this much data pile up unread is cut (terminated and counted) instead of
 * growing the simulator's memory without bound.
 */
export const MAX_CLIENT_BUFFER_BYTES = 64 * 1024 * 1024;

/** A received frame as UTF-8 text. */
export function rawDataToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Close codes an endpoint may put in a close frame (RFC 6455 7.4). */
export function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

export class VenueSocket {
  /** Resolves once the socket is closed and every close callback has run. */
  readonly closed: Promise<void>;
  private readonly closeCallbacks: Array<() => void> = [];
  private textHandler: (text: string) => void = () => undefined;
  private reason: CloseReason | undefined;
  private closing = false;
  private gone = false;
  private resolveClosed: () => void = () => undefined;

  constructor(
    readonly ws: WebSocket,
    /** Sequential id, unique per simulator. */
    readonly id: number,
    private readonly stats: VenueSimStats,
    private readonly onGone: (socket: VenueSocket) => void,
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    stats.wsConnections += 1;
    stats.wsConnectionsTotal += 1;
    ws.on('message', (data) => {
      if (!this.closing) this.textHandler(rawDataToString(data));
    });
    ws.on('close', () => this.cleanUp());
    // Errors (resets, protocol violations) are followed by 'close'; nothing else to do.
    ws.on('error', () => undefined);
  }

  /** True until a close or cut starts. */
  get isOpen(): boolean {
    return !this.closing && this.ws.readyState === this.ws.OPEN;
  }

  /** Sets the handler of incoming frames (one per socket: the exchange's connection). */
  onText(handler: (text: string) => void): void {
    this.textHandler = handler;
  }

  /** Runs `callback` once the socket is gone (clear timers, leave the hub). */
  onClosed(callback: () => void): void {
    this.closeCallbacks.push(callback);
  }

  /** Sends one text frame; false when the socket is going away or the client was cut for lagging. */
  send(data: string | Buffer): boolean {
    if (!this.isOpen) return false;
    if (this.ws.bufferedAmount > MAX_CLIENT_BUFFER_BYTES) {
      this.stats.slowConsumersCut += 1;
      this.terminate(CloseReason.SLOW_CONSUMER);
      return false;
    }
    this.ws.send(data, { binary: false });
    this.stats.framesSent += 1;
    return true;
  }

  /** Closes with a close frame; codes that cannot be sent on the wire (1005, 1006...) cut instead. */
  closeWith(code: number, text: string, reason: CloseReason): void {
    if (this.closing) return;
    if (!isSendableCloseCode(code)) {
      this.terminate(reason);
      return;
    }
    this.closing = true;
    this.reason = reason;
    this.ws.close(code, text);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  terminate(reason: CloseReason): void {
    if (!this.closing) this.reason = reason;
    this.closing = true;
    this.ws.terminate();
  }

  private cleanUp(): void {
    if (this.gone) return;
    this.gone = true;
    this.closing = true;
    const reason = this.reason ?? CloseReason.CLIENT;
    this.stats.closesByReason[reason] = (this.stats.closesByReason[reason] ?? 0) + 1;
    this.stats.wsConnections -= 1;
    for (const callback of this.closeCallbacks) callback();
    this.onGone(this);
    this.resolveClosed();
  }
}
