/**
 * One client WebSocket connection and every Binance rule that applies to it (exchanges.md 1.4-1.6):
 * the control protocol, the incoming-message limit (close 1008), the stream limit, server pings
 * with a payload and a pong deadline, and the maximum connection age with an optional
 * serverShutdown notice first. It also carries the per-connection half of the silenceSymbol
 * fault: streams that were subscribed when the fault was set stay open but get nothing.
 */
import {
  ControlErrorCode,
  errorResponse,
  parseControlMessage,
  resultResponse,
  type ControlRequest,
} from './control-protocol';
import type { FaultState } from '../fault-state';
import { IncomingRateWindow } from '../incoming-rate-window';
import type { HubClient, StreamHub } from '../stream-hub';
import type { VenueSocket } from '../venue/venue-socket';
import { CloseReason } from '../venue/venue-stats';
import type { ResolvedSimOptions } from './options';
import { SERVER_SHUTDOWN_STREAM, serverShutdownPayload } from './payloads';
import type { SimStats } from './stats';
import type { ConnectionRoute } from './stream-routes';

/** Close code Binance uses for limit violations. */
export const POLICY_VIOLATION_CLOSE_CODE = 1008;
/** Close reason when the incoming-message limit is exceeded (as observed on Binance). */
export const TOO_MANY_REQUESTS_REASON = 'Too many requests';
/** Close reason when the URL names more streams than allowed. */
export const TOO_MANY_STREAMS_REASON = 'Too many streams';
/** Close reason after an invalid stream in 'error-close' mode. */
export const INVALID_STREAM_REASON = 'Invalid request';
/** controlFramesByMethod key of text frames that are not a valid request. */
export const INVALID_CONTROL_FRAME_KEY = 'invalid';
/** Close code at the connection-age cut: "going away" (Binance's code is not documented). */
export const MAX_AGE_CLOSE_CODE = 1001;
export const MAX_AGE_CLOSE_REASON = 'Connection age limit reached';
/** What a connection needs from the simulator. */
export interface ConnectionContext {
  readonly options: ResolvedSimOptions;
  readonly hub: StreamHub;
  readonly stats: SimStats;
  readonly faults: FaultState;
  /** Whether the simulator serves this stream name. */
  readonly isKnownStream: (stream: string) => boolean;
  readonly clock: () => number;
}

interface OutstandingPing {
  readonly payload: string;
  readonly sentAt: number;
}

export class BinanceConnection implements HubClient {
  combined: boolean;
  /** Insertion-ordered, so LIST_SUBSCRIPTIONS answers in subscription order. */
  private readonly streams = new Set<string>();
  /** Streams silenced by the silenceSymbol fault: subscribed, but delivered nothing. */
  private readonly silenced = new Set<string>();
  private readonly incoming: IncomingRateWindow;
  private outstandingPings: OutstandingPing[] = [];
  private pingTimer: NodeJS.Timeout | undefined;
  private pongDeadline: NodeJS.Timeout | undefined;
  private ageTimer: NodeJS.Timeout | undefined;
  private noticeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: VenueSocket,
    private readonly ctx: ConnectionContext,
    private readonly route: ConnectionRoute,
  ) {
    this.combined = route.combined;
    this.incoming = new IncomingRateWindow(ctx.options.maxIncomingPerSecond);
  }

  /** Wires the socket, starts the timers and subscribes the URL's streams. */
  start(): void {
    const { options } = this.ctx;
    const { ws } = this.socket;
    this.socket.onText((text) => this.onText(text));
    this.socket.onClosed(() => this.cleanUp());
    // Pings and pongs count toward the incoming limit; the socket only hands over text.
    ws.on('ping', () => this.countIncoming());
    ws.on('pong', (data) => this.onPong(data));

    this.pingTimer = setInterval(() => this.sendPing(), options.pingIntervalMs);
    this.ageTimer = setTimeout(
      () => this.closeWith(MAX_AGE_CLOSE_CODE, MAX_AGE_CLOSE_REASON, CloseReason.MAX_AGE),
      options.maxConnectionAgeMs,
    );
    if (options.shutdownNoticeMs > 0) {
      const delay = Math.max(0, options.maxConnectionAgeMs - options.shutdownNoticeMs);
      this.noticeTimer = setTimeout(() => this.sendShutdownNotice(), delay);
    }

    const unique = [...new Set(this.route.streams)];
    if (unique.length > options.maxStreamsPerConnection) {
      this.closeWith(POLICY_VIOLATION_CLOSE_CODE, TOO_MANY_STREAMS_REASON, CloseReason.TOO_MANY_STREAMS);
      return;
    }
    if (options.unknownStreamMode === 'error-close') {
      const invalid = unique.find((s) => !this.ctx.isKnownStream(s));
      if (invalid !== undefined) {
        this.refuseStream(invalid, 'null');
        return;
      }
    }
    for (const stream of unique) this.addStream(stream);
  }

  /** HubClient: one market-data frame, dropped when the client is too slow or going away. */
  sendFrame(frame: Buffer, stream: string): void {
    if (!this.socket.isOpen) return;
    if (this.silenced.size > 0 && this.silenced.has(stream)) {
      this.ctx.stats.silencedFramesDropped += 1;
      return;
    }
    this.socket.send(frame);
  }

  /**
   * Silences every stream of `symbol` (uppercase) this connection subscribes to now; later
   * subscriptions, and a new SUBSCRIBE of a silenced stream, deliver again (exchanges.md 1.4:
   * "open but silent").
   */
  silenceSymbol(symbol: string): void {
    const prefix = `${symbol.toLowerCase()}@`;
    for (const stream of this.streams) if (stream.startsWith(prefix)) this.silenced.add(stream);
  }

  /** Ends the silence of `symbol`'s streams on this connection. */
  unsilenceSymbol(symbol: string): void {
    const prefix = `${symbol.toLowerCase()}@`;
    for (const stream of [...this.silenced]) if (stream.startsWith(prefix)) this.silenced.delete(stream);
  }

  /** A close this connection decides on: its timers stop at once, and 1008s are counted. */
  private closeWith(code: number, text: string, reason: CloseReason): void {
    if (!this.socket.isOpen) return;
    this.clearTimers();
    if (code === POLICY_VIOLATION_CLOSE_CODE) this.ctx.stats.closed1008 += 1;
    this.socket.closeWith(code, text, reason);
  }

  private countIncoming(): boolean {
    const { stats } = this.ctx;
    stats.messagesIn += 1;
    if (!this.socket.isOpen) return false;
    const withinLimit = this.incoming.hit(this.ctx.clock());
    if (this.incoming.lastCount > stats.maxIncomingPerSecondSeen) {
      stats.maxIncomingPerSecondSeen = this.incoming.lastCount;
    }
    if (!withinLimit) {
      this.closeWith(POLICY_VIOLATION_CLOSE_CODE, TOO_MANY_REQUESTS_REASON, CloseReason.RATE_LIMIT);
      return false;
    }
    return true;
  }

  private onText(text: string): void {
    if (!this.countIncoming()) return;
    const outcome = parseControlMessage(text);
    this.countControlFrame(outcome.ok ? outcome.request.method : INVALID_CONTROL_FRAME_KEY);
    if (!outcome.ok) {
      this.ctx.stats.malformedMessagesIn += 1;
      this.sendError(outcome.response);
      return;
    }
    this.apply(outcome.request);
  }

  private countControlFrame(method: string): void {
    const { stats } = this.ctx;
    stats.controlFrames += 1;
    stats.controlFramesByMethod[method] = (stats.controlFramesByMethod[method] ?? 0) + 1;
  }

  private sendError(response: string): void {
    this.ctx.stats.errorsSent += 1;
    this.socket.send(response);
  }

  private apply(request: ControlRequest): void {
    const { options, stats } = this.ctx;
    switch (request.method) {
      case 'SUBSCRIBE': {
        const fresh = [...new Set(request.params)].filter((s) => !this.streams.has(s));
        if (options.unknownStreamMode === 'error-close') {
          const invalid = fresh.find((s) => !this.ctx.isKnownStream(s));
          if (invalid !== undefined) {
            this.refuseStream(invalid, request.id);
            return;
          }
        }
        if (this.streams.size + fresh.length > options.maxStreamsPerConnection) {
          this.sendError(
            errorResponse(ControlErrorCode.TOO_MANY_SUBSCRIPTIONS, 'Too many subscriptions', request.id),
          );
          return;
        }
        stats.subscribes += 1;
        // Subscribing again to a silenced stream is how a client revives it.
        for (const stream of request.params) this.silenced.delete(stream);
        for (const stream of fresh) this.addStream(stream);
        this.socket.send(resultResponse('null', request.id));
        return;
      }
      case 'UNSUBSCRIBE':
        stats.unsubscribes += 1;
        for (const stream of request.params) {
          this.silenced.delete(stream);
          if (this.streams.delete(stream)) this.ctx.hub.unsubscribe(this, stream);
        }
        this.socket.send(resultResponse('null', request.id));
        return;
      case 'LIST_SUBSCRIPTIONS':
        this.socket.send(resultResponse(JSON.stringify([...this.streams]), request.id));
        return;
      case 'SET_PROPERTY':
        this.combined = request.value;
        this.socket.send(resultResponse('null', request.id));
        return;
      case 'GET_PROPERTY':
        this.socket.send(resultResponse(String(this.combined), request.id));
        return;
    }
  }

  private addStream(stream: string): void {
    this.streams.add(stream);
    // Unknown streams are listed but never published to: the hub only sees generated names.
    this.ctx.hub.subscribe(this, stream);
  }

  /** 'error-close' mode: the reported Binance answer to a nonexistent stream, then close. */
  private refuseStream(stream: string, id: string): void {
    this.sendError(
      errorResponse(ControlErrorCode.INVALID_REQUEST, 'Invalid request: invalid stream', id, stream),
    );
    this.closeWith(POLICY_VIOLATION_CLOSE_CODE, INVALID_STREAM_REASON, CloseReason.INVALID_STREAM);
  }

  private sendPing(): void {
    // A stalled feed is silent: no data and no pings (the client's watchdog must notice).
    if (!this.socket.isOpen || this.ctx.faults.stalled) return;
    const now = this.ctx.clock();
    const payload = String(now);
    this.socket.ws.ping(payload);
    this.ctx.stats.pingsSent += 1;
    this.outstandingPings.push({ payload, sentAt: now });
    if (!this.pongDeadline) this.armPongDeadline();
  }

  private onPong(data: Buffer): void {
    if (!this.countIncoming()) return;
    this.ctx.stats.pongsReceived += 1;
    const payload = data.toString('utf8');
    const index = this.outstandingPings.findIndex((p) => p.payload === payload);
    // Unsolicited pongs (no matching ping) are allowed but do not keep the connection alive.
    if (index === -1) return;
    this.outstandingPings = this.outstandingPings.slice(index + 1);
    if (this.pongDeadline) clearTimeout(this.pongDeadline);
    this.pongDeadline = undefined;
    if (this.outstandingPings.length > 0) this.armPongDeadline();
  }

  /** The oldest unanswered ping must be answered within pongTimeoutMs of being sent. */
  private armPongDeadline(): void {
    const oldest = this.outstandingPings[0];
    if (!oldest) return;
    const delay = Math.max(0, oldest.sentAt + this.ctx.options.pongTimeoutMs - this.ctx.clock());
    this.pongDeadline = setTimeout(() => {
      this.pongDeadline = undefined;
      if (!this.socket.isOpen) return;
      this.clearTimers();
      this.socket.terminate(CloseReason.PONG_TIMEOUT);
    }, delay);
  }

  private sendShutdownNotice(): void {
    this.noticeTimer = undefined;
    const payload = JSON.stringify(serverShutdownPayload(this.ctx.clock()));
    this.socket.send(
      this.combined ? `{"stream":${JSON.stringify(SERVER_SHUTDOWN_STREAM)},"data":${payload}}` : payload,
    );
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongDeadline) clearTimeout(this.pongDeadline);
    if (this.ageTimer) clearTimeout(this.ageTimer);
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.pingTimer = undefined;
    this.pongDeadline = undefined;
    this.ageTimer = undefined;
    this.noticeTimer = undefined;
  }

  private cleanUp(): void {
    this.clearTimers();
    for (const stream of this.streams) this.ctx.hub.unsubscribe(this, stream);
    this.streams.clear();
    this.silenced.clear();
  }
}
