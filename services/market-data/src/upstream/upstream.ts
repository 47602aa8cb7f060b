/**
 * The leader's exchange feed: opens the adapter's streams for the configured symbols, turns
 * every frame into normalized updates for the publisher, and reports its state. Frames that
 * cannot be read are counted and logged, never thrown. The connect circuit breaker lives in
 * the connection; the REST fallback polls whenever the WebSocket is not open and feeds the same
 * `onUpdates`, so the publisher cannot tell the two apart except by `source`.
 */
import type { Lifecycle, TickerUpdate } from '@tickwire/core';
import type { ExchangeAdapter, FeedMessage } from '@tickwire/exchanges';
import type { Logger } from '@tickwire/observability';
import type { PodMetrics } from '../metrics';
import type { BreakerState } from './connect-breaker';
import { FEED_CONNECTION_DEFAULTS, FeedConnection, type ConnectionStatus } from './feed-connection';
import { RestFallback, type RestFallbackStatus } from './rest-fallback';

export interface UpstreamOptions {
  adapter: ExchangeAdapter;
  wsBaseUrl: string;
  restBaseUrl: string;
  /** REST fallback poll interval (ms); the fallback starts after half of it without a WebSocket. */
  restPollMs: number;
  symbols: readonly string[];
  watchdogMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Failed connects within a minute that open the connect breaker. */
  breakerFailures: number;
  /** How long the breaker stays open before one trial connect (ms). */
  breakerResetMs: number;
  logger: Logger;
  metrics: PodMetrics;
  onUpdates(updates: TickerUpdate[]): void;
  onStatus?(status: UpstreamStatus): void;
}

export interface UpstreamStatus {
  exchange: string;
  connection: ConnectionStatus;
  /** The connect circuit breaker: `open` means no connect is tried until it half-opens. */
  breaker: BreakerState;
  /** When the current connection opened (ms), if one is open. */
  connectedSince: number | undefined;
  /** When the last frame arrived (ms), if any did. */
  lastFrameAt: number | undefined;
  reconnects: number;
  /** The REST fallback: `polling` while it stands in for the WebSocket. */
  restFallback: RestFallbackStatus;
  malformedFrames: number;
}

/** `tickwire_upstream_breaker_state` values. */
const BREAKER_STATE_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Malformed frames are logged at most this often; the counter sees every one. */
const MALFORMED_LOG_INTERVAL_MS = 5_000;

export class Upstream implements Lifecycle {
  private readonly connection: FeedConnection;
  private readonly fallback: RestFallback;
  private fallbackTimer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly log: Logger;
  private reconnects = 0;
  private malformed = 0;
  private lastMalformedLogAt = 0;

  constructor(private readonly options: UpstreamOptions) {
    this.log = options.logger;
    const exchange = options.adapter.id;
    const streams = options.symbols.flatMap((symbol) => options.adapter.streamsFor(symbol));
    if (streams.length > options.adapter.limits.maxStreamsPerConnection) {
      throw new Error(
        `${streams.length} streams exceed ${exchange}'s ${options.adapter.limits.maxStreamsPerConnection} per connection; reduce SYMBOLS or BINANCE_STREAMS`,
      );
    }
    this.connection = new FeedConnection({
      url: () => options.adapter.connectUrl(options.wsBaseUrl, streams),
      watchdogMs: options.watchdogMs,
      backoff: { baseMs: options.backoffBaseMs, maxMs: options.backoffMaxMs },
      breaker: { failuresToOpen: options.breakerFailures, resetMs: options.breakerResetMs },
      handshakeTimeoutMs: FEED_CONNECTION_DEFAULTS.handshakeTimeoutMs,
      maxFrameBytes: FEED_CONNECTION_DEFAULTS.maxFrameBytes,
      logger: options.logger,
      onFrame: (text, receivedAt) => this.handleFrame(text, receivedAt),
      onStatus: (connection) => {
        options.metrics.upstreamConnected.set({ exchange }, connection === 'open' ? 1 : 0);
        this.followConnection(connection);
        options.onStatus?.(this.status());
      },
      onBreakerEvent: (event, state) => {
        options.metrics.upstreamBreakerEvents.inc({ exchange, event });
        options.metrics.upstreamBreakerState.set({ exchange }, BREAKER_STATE_VALUES[state]);
        if (event === 'open' || event === 'halfOpen' || event === 'close') options.onStatus?.(this.status());
      },
      onReconnect: (reason) => {
        this.reconnects += 1;
        options.metrics.upstreamReconnects.inc({ exchange, reason });
      },
    });
    this.fallback = new RestFallback({
      adapter: options.adapter,
      restBaseUrl: options.restBaseUrl,
      symbols: options.symbols,
      pollMs: options.restPollMs,
      logger: options.logger.child({ component: 'rest-fallback' }),
      metrics: options.metrics,
      onUpdates: (updates) => options.onUpdates(updates),
      onStatus: () => options.onStatus?.(this.status()),
    });
  }

  async start(): Promise<void> {
    this.running = true;
    await this.connection.start();
    this.followConnection(this.connection.status());
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.fallbackTimer);
    this.fallbackTimer = undefined;
    this.fallback.stop();
    await this.connection.stop();
    this.options.metrics.upstreamConnected.set({ exchange: this.options.adapter.id }, 0);
  }

  status(): UpstreamStatus {
    const lastFrameAt = this.connection.lastFrameTime();
    const connectedSince = this.connection.openSince();
    return {
      exchange: this.options.adapter.id,
      connection: this.connection.status(),
      breaker: this.connection.breakerState(),
      connectedSince: connectedSince || undefined,
      lastFrameAt: lastFrameAt || undefined,
      reconnects: this.reconnects,
      restFallback: this.fallback.status(),
      malformedFrames: this.malformed,
    };
  }

  /** REST stands in while the WebSocket is not open (after a short grace), and steps back when it is. */
  private followConnection(connection: ConnectionStatus): void {
    if (connection === 'open' || !this.running) {
      clearTimeout(this.fallbackTimer);
      this.fallbackTimer = undefined;
      this.fallback.stop();
      return;
    }
    this.fallbackTimer ??= setTimeout(() => {
      this.fallbackTimer = undefined;
      if (this.running && this.connection.status() !== 'open') this.fallback.start();
    }, this.options.restPollMs / 2);
  }

  private handleFrame(text: string, receivedAt: number): void {
    const message = this.options.adapter.parse(text, receivedAt);
    this.options.metrics.upstreamMessages.inc({ exchange: this.options.adapter.id, type: message.type });
    this.dispatch(message, text);
  }

  private dispatch(message: FeedMessage, text: string): void {
    switch (message.type) {
      case 'tickers':
        if (message.updates.length > 0) this.options.onUpdates(message.updates);
        return;
      case 'shutdown':
        this.log.warn({ at: message.time }, 'exchange announced a shutdown of this connection');
        this.connection.reconnectNow('shutdown-notice');
        return;
      case 'error':
        this.options.metrics.upstreamErrorFrames.inc({
          exchange: this.options.adapter.id,
          code: String(message.code),
        });
        this.log.warn({ id: message.id, code: message.code, msg: message.message }, 'exchange error frame');
        return;
      case 'malformed':
        this.malformed += 1;
        if (Date.now() - this.lastMalformedLogAt >= MALFORMED_LOG_INTERVAL_MS) {
          this.lastMalformedLogAt = Date.now();
          this.log.warn(
            { reason: message.reason, sample: text.slice(0, 200), total: this.malformed },
            'malformed exchange frame dropped',
          );
        }
        return;
      case 'ack':
      case 'heartbeat':
      case 'ignored':
        return;
    }
  }
}
