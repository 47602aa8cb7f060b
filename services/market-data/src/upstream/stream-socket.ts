/**
 * One exchange WebSocket and the streams established on it. The wanted streams come from the
 * shard that owns the socket; this file makes the socket carry them: the first ones in the URL
 * where the exchange allows it (Binance), the rest (or all, for exchanges that subscribe after
 * connecting) through SUBSCRIBE / UNSUBSCRIBE frames, paced under the exchange's client message
 * limit (pings, pongs and control frames share Binance's 5 per second) and chunked to its frame
 * size. The state is level-triggered: each pacing tick compares wanted with established and sends
 * one frame that closes part of the difference, so nothing is queued that could go stale.
 * The established streams also say what the exchange promises to send: the shortest cadence
 * among them (the adapter's `streamCadenceMs`), from the moment the first of them was
 * established, is what the connection's silence is measured against.
 */
import type { ExchangeAdapter } from '@tickwire/exchanges';
import type { Logger } from '@tickwire/observability';
import type { BackoffOptions } from './backoff';
import type { ConnectBreaker } from './connect-breaker';
import type { ConnectBudget } from './connect-budget';
import {
  FEED_CONNECTION_DEFAULTS,
  FeedConnection,
  type ConnectionStatus,
  type ExpectedCadence,
  type ReconnectReason,
} from './feed-connection';

/**
 * Streams named in a connect URL at most. A URL with 1024 streams is ~20 KB, more than many
 * servers and proxies accept in a request line; the rest follow as SUBSCRIBE frames.
 */
export const MAX_STREAMS_IN_URL = 200;

/**
 * Share of the exchange's client-message allowance spent on control frames: the rest is left
 * for pongs (Binance counts them) and for the burst a rolling window lets through.
 */
export const CONTROL_MESSAGE_SHARE = 0.6;

export type ControlMethod = 'subscribe' | 'unsubscribe';

export interface StreamSocketOptions {
  adapter: ExchangeAdapter;
  wsBaseUrl: string;
  /** The streams this socket should carry; read at every connect and every pacing tick. */
  wanted(): ReadonlySet<string>;
  breaker: ConnectBreaker;
  connectBudget: ConnectBudget;
  watchdogMs: number;
  backoff: BackoffOptions;
  logger: Logger;
  onFrame(text: string, receivedAt: number, socket: StreamSocket): void;
  onStatus(status: ConnectionStatus, socket: StreamSocket): void;
  onSilence(silent: boolean, socket: StreamSocket): void;
  onReconnect(reason: ReconnectReason): void;
  onControlFrame(method: ControlMethod, streams: number): void;
  /** True while silence is expected (market closed); see FeedConnectionOptions.quietAllowed. */
  quietAllowed?(): boolean;
}

export class StreamSocket {
  private readonly connection: FeedConnection;
  /** Streams established on the open socket (from its URL or a frame sent on it). */
  private readonly established = new Set<string>();
  /** Established streams to unsubscribe and subscribe again (the symbol watchdog's request). */
  private readonly refresh = new Set<string>();
  private urlStreams: string[] = [];
  /** What the established streams promise; undefined while none has a cadence. */
  private cadence: ExpectedCadence | undefined;
  private lastControlAt = 0;
  private pumpTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly controlIntervalMs: number;
  private readonly chunk: number;
  private readonly urlCarriesStreams: boolean;

  constructor(private readonly options: StreamSocketOptions) {
    const { limits } = options.adapter;
    this.controlIntervalMs = Math.ceil(
      1_000 / Math.max(1, Math.floor(limits.maxClientMessagesPerSecond * CONTROL_MESSAGE_SHARE)),
    );
    this.chunk = Math.max(1, limits.maxStreamsPerControlFrame);
    this.urlCarriesStreams = options.adapter.openFrames === undefined;
    this.connection = new FeedConnection({
      url: () => this.connectUrl(),
      watchdogMs: options.watchdogMs,
      expectedCadence: () => this.cadence,
      backoff: options.backoff,
      breaker: options.breaker,
      connectBudget: options.connectBudget,
      handshakeTimeoutMs: FEED_CONNECTION_DEFAULTS.handshakeTimeoutMs,
      maxFrameBytes: FEED_CONNECTION_DEFAULTS.maxFrameBytes,
      logger: options.logger,
      onFrame: (text, receivedAt) => options.onFrame(text, receivedAt, this),
      onStatus: (status) => this.onConnectionStatus(status),
      onReconnect: (reason) => options.onReconnect(reason),
      onSilence: (silent) => options.onSilence(silent, this),
      quietAllowed: () => options.quietAllowed?.() ?? false,
    });
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  async stop(): Promise<void> {
    clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    await this.connection.stop();
  }

  status(): ConnectionStatus {
    return this.connection.status();
  }

  openSince(): number {
    return this.connection.openSince();
  }

  lastFrameTime(): number {
    return this.connection.lastFrameTime();
  }

  /** Open, but quiet past the cadence its streams promise. */
  isSilent(): boolean {
    return this.connection.isSilent();
  }

  /** Whether every wanted stream is established on the open socket. */
  isComplete(): boolean {
    if (this.status() !== 'open' || this.refresh.size > 0) return false;
    const wanted = this.options.wanted();
    if (wanted.size !== this.established.size) return false;
    for (const stream of wanted) if (!this.established.has(stream)) return false;
    return true;
  }

  /** Streams established on the open socket. */
  establishedCount(): number {
    return this.established.size;
  }

  /** The wanted streams changed: close the difference at the paced rate. */
  sync(): void {
    this.pump();
  }

  /** Unsubscribes and subscribes `streams` again (open but silent streams, exchanges.md 1.4). */
  resubscribe(streams: readonly string[]): void {
    for (const stream of streams) if (this.established.has(stream)) this.refresh.add(stream);
    this.pump();
  }

  /** Drops the socket and connects again at once (a shutdown notice on a single-connection exchange). */
  reconnectNow(reason: ReconnectReason): void {
    this.connection.reconnectNow(reason);
  }

  private connectUrl(): string {
    const wanted = [...this.options.wanted()];
    this.urlStreams = this.urlCarriesStreams ? wanted.slice(0, MAX_STREAMS_IN_URL) : [];
    return this.options.adapter.connectUrl(this.options.wsBaseUrl, this.urlStreams);
  }

  private onConnectionStatus(status: ConnectionStatus): void {
    this.established.clear();
    this.refresh.clear();
    if (status === 'open') {
      for (const stream of this.urlStreams) this.established.add(stream);
      // The exchange has not counted a message from this socket yet.
      this.lastControlAt = 0;
      // In-band credentials (Massive's auth) go before any subscription.
      for (const frame of this.options.adapter.sessionFrames?.() ?? []) this.connection.send(frame);
    }
    this.followCadence();
    this.options.onStatus(status, this);
    this.pump();
  }

  /** Sends at most one control frame now, and schedules the next tick while work remains. */
  private pump(): void {
    if (this.pumpTimer !== undefined || this.status() !== 'open') return;
    const waitMs = this.lastControlAt + this.controlIntervalMs - Date.now();
    if (waitMs > 0) {
      this.pumpTimer = setTimeout(() => {
        this.pumpTimer = undefined;
        this.pump();
      }, waitMs);
      return;
    }
    const next = this.nextControl();
    if (!next) return;
    const { method, streams } = next;
    const ids = () => this.nextId++;
    const frames =
      method === 'subscribe'
        ? this.options.adapter.subscribeFrames(streams, ids)
        : this.options.adapter.unsubscribeFrames(streams, ids);
    for (const frame of frames) {
      if (!this.connection.send(frame)) return;
    }
    this.lastControlAt = Date.now() + this.controlIntervalMs * (frames.length - 1);
    for (const stream of streams) {
      if (method === 'subscribe') this.established.add(stream);
      else this.established.delete(stream);
    }
    this.followCadence();
    this.options.onControlFrame(method, streams.length);
    this.pump();
  }

  /**
   * The shortest cadence among the established streams. Its clock starts when the first stream
   * with a cadence is established and keeps running while one stays, so an exchange that stops
   * sending is not excused by subscriptions added later.
   */
  private followCadence(): void {
    const { adapter } = this.options;
    let everyMs: number | undefined;
    if (adapter.streamCadenceMs) {
      for (const stream of this.established) {
        const cadence = adapter.streamCadenceMs(stream);
        if (cadence !== undefined && (everyMs === undefined || cadence < everyMs)) everyMs = cadence;
      }
    }
    this.cadence = everyMs === undefined ? undefined : { everyMs, since: this.cadence?.since ?? Date.now() };
  }

  /** Refreshes first (they are known broken), then removals (they free room), then additions. */
  private nextControl(): { method: ControlMethod; streams: string[] } | undefined {
    if (this.refresh.size > 0) {
      const streams = take(this.refresh, this.chunk);
      for (const stream of streams) this.refresh.delete(stream);
      return { method: 'unsubscribe', streams };
    }
    const wanted = this.options.wanted();
    const removals = take(this.established, this.chunk, (stream) => !wanted.has(stream));
    if (removals.length > 0) return { method: 'unsubscribe', streams: removals };
    const additions = take(wanted, this.chunk, (stream) => !this.established.has(stream));
    if (additions.length > 0) return { method: 'subscribe', streams: additions };
    return undefined;
  }
}

function take(from: Iterable<string>, max: number, keep: (value: string) => boolean = () => true): string[] {
  const out: string[] = [];
  for (const value of from) {
    if (!keep(value)) continue;
    out.push(value);
    if (out.length === max) break;
  }
  return out;
}
