/**
 * One exchange WebSocket with the connection behaviour every exchange needs, written once:
 * reconnect with full-jitter backoff, a watchdog that reconnects when the feed goes silent, and
 * pings answered the way exchanges require (the `ws` library echoes each ping's payload in a
 * pong at once; we never send unsolicited pongs, which Binance counts against its 5 messages/s
 * limit without them keeping the connection alive).
 *
 * Silence is told long before the watchdog acts where the exchange promises a cadence (Binance
 * pushes `@ticker` every second): a connection quiet for {@link SILENT_AFTER_CADENCES} of them
 * reports itself `silent` (the pod then says `degraded`) and is itself again at the next frame;
 * reconnecting stays the watchdog's job, since a slow second is not yet a dead feed.
 */
import WebSocket from 'ws';
import type { Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import { FullJitterBackoff, type BackoffOptions } from './backoff';
import type { ConnectBreaker, BreakerState } from './connect-breaker';
import type { ConnectBudget } from './connect-budget';

export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped';

/** A connection as reported: its status, or `silent` when open but quiet past the exchange's cadence. */
export type FeedState = ConnectionStatus | 'silent';

/** What the exchange promises on the open connection: a frame at least every `everyMs`. */
export interface ExpectedCadence {
  everyMs: number;
  /** Since when (ms since the epoch): when the first stream with a cadence was established. */
  since: number;
}

export type ReconnectReason =
  'closed' | 'error' | 'watchdog' | 'shutdown-notice' | 'handshake-failed' | 'rotation';

export interface FeedConnectionOptions {
  /** Called for every attempt, so the URL can follow the wanted streams. */
  url: () => string;
  /** Reconnect when no text frame arrived for this long (ms). */
  watchdogMs: number;
  /**
   * The cadence the streams on the open connection promise now; undefined (or absent) when none
   * promises one (trades only): silence is then noticed by the watchdog alone.
   */
  expectedCadence?(): ExpectedCadence | undefined;
  backoff: BackoffOptions;
  /** The exchange's circuit breaker around connect attempts, shared by its connections. */
  breaker: ConnectBreaker;
  /** The exchange's connect allowance, shared by its connections; absent: unbounded (tests). */
  connectBudget?: ConnectBudget;
  /** Give up on a handshake after this long (ms). */
  handshakeTimeoutMs: number;
  /** Largest frame accepted from the exchange (bytes); a bigger one closes the connection. */
  maxFrameBytes: number;
  logger: Logger;
  onFrame(text: string, receivedAt: number): void;
  onStatus?(status: ConnectionStatus): void;
  onReconnect?(reason: ReconnectReason): void;
  /** The open connection became silent, or delivered again (or closed) after being silent. */
  onSilence?(silent: boolean): void;
  /**
   * True while silence is expected (the exchange said its market is closed): the watchdog then
   * neither reports silence nor reconnects. Absent: silence always counts.
   */
  quietAllowed?(): boolean;
}

/** A failed connect attempt, with the reason the reconnect is counted under. */
class ConnectFailed extends Error {
  constructor(
    readonly reason: ReconnectReason,
    message: string,
  ) {
    super(message);
  }
}

export const FEED_CONNECTION_DEFAULTS = {
  handshakeTimeoutMs: 10_000,
  maxFrameBytes: 16 * 1024 * 1024,
} as const;

/**
 * Missed cadences after which an open connection reports itself `silent`: one late push is
 * jitter, three in a row (3 s on Binance's ticker) is a stalled feed.
 */
export const SILENT_AFTER_CADENCES = 3;

/** The watchdog looks this many times per watchdog period, so silence is caught within 25 %. */
const WATCHDOG_CHECKS_PER_PERIOD = 4;
/** The watchdog looks at least this often (ms), so a cadence's silence is told within a quarter second. */
const MAX_SILENCE_CHECK_INTERVAL_MS = 250;

export class FeedConnection implements Lifecycle {
  private socket: WebSocket | undefined;
  private currentStatus: ConnectionStatus = 'idle';
  private reconnectTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private lastFrameAt = 0;
  private openedAt = 0;
  private silent = false;
  /** The URL the current socket was opened with (url() may answer differently by now). */
  private socketUrl = '';
  private readonly backoff: FullJitterBackoff;
  private readonly breaker: ConnectBreaker;
  private waitingForBreaker = false;
  private unsubscribeBreaker: (() => void) | undefined;
  private readonly log: Logger;

  constructor(private readonly options: FeedConnectionOptions) {
    this.backoff = new FullJitterBackoff(options.backoff);
    this.log = options.logger;
    this.breaker = options.breaker;
  }

  /** Starts connecting; resolves at once, since an exchange outage must not stop the pod. */
  async start(): Promise<void> {
    if (this.currentStatus !== 'idle' && this.currentStatus !== 'stopped') return;
    this.unsubscribeBreaker = this.breaker.onStateChange((state) => this.onBreakerState(state));
    this.setStatus('connecting');
    this.connect();
    const checkEveryMs = Math.min(
      MAX_SILENCE_CHECK_INTERVAL_MS,
      Math.floor(this.options.watchdogMs / WATCHDOG_CHECKS_PER_PERIOD),
    );
    this.watchdogTimer = setInterval(() => this.checkWatchdog(), Math.max(50, checkEveryMs));
  }

  async stop(): Promise<void> {
    if (this.currentStatus === 'stopped') return;
    this.setStatus('stopped');
    this.unsubscribeBreaker?.();
    clearTimeout(this.reconnectTimer);
    clearInterval(this.watchdogTimer);
    this.reconnectTimer = undefined;
    this.watchdogTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await closeSocket(socket);
  }

  breakerState(): BreakerState {
    return this.breaker.state();
  }

  status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** Whether the open connection has been quiet for {@link SILENT_AFTER_CADENCES} of its expected cadence. */
  isSilent(): boolean {
    return this.silent;
  }

  /** ms since the epoch of the last text frame, 0 before the first. */
  lastFrameTime(): number {
    return this.lastFrameAt;
  }

  /** ms since the epoch when the current connection opened, 0 when none is open. */
  openSince(): number {
    return this.currentStatus === 'open' ? this.openedAt : 0;
  }

  /** Sends a text frame when open; false when there is no open connection. */
  send(frame: string): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(frame);
    return true;
  }

  /** Drops the current connection and connects again at once (exchange shutdown notice). */
  reconnectNow(reason: ReconnectReason): void {
    if (this.currentStatus === 'stopped') return;
    this.replace(reason, 0);
  }

  /**
   * One attempt through the connect budget and the breaker; while the breaker is open, waits
   * for it to half-open (or close: another connection's trial may have succeeded).
   */
  private connect(): void {
    const waitMs = this.options.connectBudget?.reserve() ?? 0;
    if (waitMs > 0) {
      this.log.warn({ waitMs }, 'exchange connect allowance used up; waiting for a slot');
      this.setStatus('waiting');
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        if (this.currentStatus !== 'stopped') this.connect();
      }, waitMs);
      return;
    }
    this.breaker
      .fire(() => this.openSocket())
      .then(
        (socket) => this.adopt(socket),
        (error: unknown) => {
          if (this.currentStatus === 'stopped') return;
          if (this.breaker.isOpenError(error)) {
            this.waitingForBreaker = true;
            this.setStatus('waiting');
            return;
          }
          const reason = error instanceof ConnectFailed ? error.reason : 'error';
          this.log.warn(
            { err: (error as Error).message, breaker: this.breaker.state() },
            'exchange connect failed',
          );
          this.replace(reason);
        },
      );
  }

  /** Resolves with the socket once open; rejects on a refused, failed or closed handshake. */
  private openSocket(): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const url = this.options.url();
      this.socketUrl = url;
      const socket = new WebSocket(url, {
        handshakeTimeout: this.options.handshakeTimeoutMs,
        maxPayload: this.options.maxFrameBytes,
        perMessageDeflate: false,
      });
      this.socket = socket;
      this.log.debug({ url: redactQuery(url) }, 'connecting to exchange');
      const onUnexpected = (_req: unknown, res: { statusCode?: number }) =>
        fail('handshake-failed', `exchange refused the WebSocket handshake (HTTP ${res.statusCode})`);
      const onError = (error: Error) => fail('error', error.message);
      const onClose = (code: number) => fail('closed', `closed during the handshake (${code})`);
      const onOpen = () => {
        detach();
        resolve(socket);
      };
      // Only our own listeners go: stop() may be waiting on this socket's close.
      const detach = () => {
        socket.off('unexpected-response', onUnexpected);
        socket.off('error', onError);
        socket.off('close', onClose);
        socket.off('open', onOpen);
      };
      const fail = (reason: ReconnectReason, message: string) => {
        detach();
        socket.on('error', () => {}); // late errors of a discarded socket are expected
        socket.terminate();
        if (this.socket === socket) this.socket = undefined;
        reject(new ConnectFailed(reason, message));
      };
      socket.on('unexpected-response', onUnexpected);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.on('open', onOpen);
    });
  }

  /** Takes an open socket into service; a socket that opened after stop() is closed at once. */
  private adopt(socket: WebSocket): void {
    if (this.currentStatus === 'stopped' || socket !== this.socket) {
      socket.on('error', () => {});
      socket.terminate();
      return;
    }
    const url = this.socketUrl;
    this.openedAt = Date.now();
    this.lastFrameAt = this.openedAt;
    this.setStatus('open');
    this.log.info({ url: redactQuery(url) }, 'exchange connection open');
    socket.on('message', (data, isBinary) => {
      if (socket !== this.socket) return;
      const receivedAt = Date.now();
      this.lastFrameAt = receivedAt;
      this.setSilent(false);
      // A connection that delivers data has recovered: the next failure starts from the base delay.
      this.backoff.reset();
      if (isBinary) return;
      this.options.onFrame(rawDataToString(data), receivedAt);
    });
    socket.on('error', (error) => {
      if (socket !== this.socket) return;
      this.log.warn({ err: error.message }, 'exchange connection error');
      this.replace('error');
    });
    socket.on('close', (code, reason) => {
      if (socket !== this.socket) return;
      this.log.warn({ code, reason: reason.toString() }, 'exchange connection closed');
      this.replace('closed');
    });
  }

  private onBreakerState(state: BreakerState): void {
    if (state === 'open' || !this.waitingForBreaker || this.currentStatus === 'stopped') return;
    // The breaker allows a trial attempt now (or closed after another connection's trial).
    this.waitingForBreaker = false;
    this.setStatus('connecting');
    this.connect();
  }

  /** Ends the current socket (if any) and schedules the next attempt. */
  private replace(reason: ReconnectReason, delayMs = this.backoff.next()): void {
    if (this.currentStatus === 'stopped') return;
    const old = this.socket;
    this.socket = undefined;
    if (old) {
      old.removeAllListeners('message');
      old.on('error', () => {}); // late errors of a discarded socket are expected
      old.terminate();
    }
    clearTimeout(this.reconnectTimer);
    this.options.onReconnect?.(reason);
    this.setStatus('waiting');
    this.log.info({ reason, delayMs, failures: this.backoff.failures }, 'reconnecting to exchange');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.currentStatus === 'stopped') return;
      this.setStatus('connecting');
      this.connect();
    }, delayMs);
  }

  private checkWatchdog(): void {
    if (this.currentStatus !== 'open') return;
    if (this.options.quietAllowed?.()) {
      this.setSilent(false);
      return;
    }
    const now = Date.now();
    const silentMs = now - this.lastFrameAt;
    const cadence = this.options.expectedCadence?.();
    if (cadence) {
      const quietMs = now - Math.max(this.lastFrameAt, cadence.since);
      if (quietMs > SILENT_AFTER_CADENCES * cadence.everyMs) this.setSilent(true, quietMs, cadence.everyMs);
    }
    if (silentMs < this.options.watchdogMs) return;
    this.log.warn({ silentMs }, 'exchange feed silent, reconnecting');
    this.replace('watchdog');
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    // A connection that is not open is described by its status, not by its silence.
    if (status !== 'open') this.setSilent(false);
    this.options.onStatus?.(status);
  }

  private setSilent(silent: boolean, quietMs?: number, cadenceMs?: number): void {
    if (silent === this.silent) return;
    this.silent = silent;
    if (silent)
      this.log.warn({ quietMs, cadenceMs }, 'exchange feed silent past its cadence; reporting degraded');
    else if (this.currentStatus === 'open') this.log.info('exchange feed delivering again');
    this.options.onSilence?.(silent);
  }
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** Exchange URLs may carry tokens (Finnhub's `?token=`); logs show the path only. */
function redactQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : `${url.slice(0, index)}?…`;
}

const CLOSE_WAIT_MS = 1_000;

/** Closes politely, but never waits on a peer that does not answer the close handshake. */
function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, CLOSE_WAIT_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', () => {});
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close(1000, 'going away');
  });
}
