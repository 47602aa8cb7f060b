/**
 * The leader's feed from one exchange: the symbols to carry (configured plus those clients
 * want), spread over as many connections (shards) as the exchange's stream limit needs, every
 * frame turned into normalized updates for the publisher, and a status. Frames that cannot be
 * read are counted and logged, never thrown.
 *
 * Shared by the shards: the connect circuit breaker and the connect allowance (Binance: 300
 * per 5 min per IP). Watched here: every symbol. A stream can be open and silent (a typo'd or
 * delisted name, exchanges.md 1.4), so a symbol that delivered nothing for `symbolStaleMs` is
 * unsubscribed and subscribed again. The REST fallback polls the symbols whose connection is
 * not open and feeds the same `onUpdates`, so the publisher cannot tell the two apart except by
 * `source`.
 */
import type { ExchangeId, Lifecycle, TickerUpdate } from '@tickwire/core';
import type { ExchangeAdapter, FeedGapDetector, FeedMessage } from '@tickwire/exchanges';
import type { Logger } from '@tickwire/observability';
import type { RestClient } from '@tickwire/service';
import type { PodMetrics } from '../metrics';
import { ConnectBreaker, type BreakerState } from './connect-breaker';
import { ConnectBudget } from './connect-budget';
import type { FeedState } from './feed-connection';
import { MarketHoursWatch, type MarketHoursStatus } from './market-hours';
import { RestFallback, type RestFallbackStatus } from './rest-fallback';
import { StreamShard, type ShardStatus } from './stream-shard';

export interface UpstreamOptions {
  adapter: ExchangeAdapter;
  wsBaseUrl: string;
  restBaseUrl: string;
  /** The process's REST client, which knows this exchange as a venue (its budget is shared). */
  rest: RestClient;
  /** REST fallback poll interval (ms); the fallback starts after half of it without a WebSocket. */
  restPollMs: number;
  /** The symbols carried from the start (canonical, of this exchange). */
  symbols: readonly string[];
  watchdogMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Failed connects within a minute that open the connect breaker. */
  breakerFailures: number;
  /** How long the breaker stays open before one trial connect (ms). */
  breakerResetMs: number;
  /** Replace a connection this long after it opened (ms), before the exchange's own cut. */
  rotateAfterMs: number;
  /** Both connections of a rotation deliver for this long before the old one closes (ms). */
  rotationOverlapMs: number;
  /** Re-subscribe a symbol whose open stream delivered nothing for this long (ms). */
  symbolStaleMs: number;
  /** Ask the exchange whether its market trades this often (ms), where it says (`adapter.marketStatus`). Default 60 s. */
  marketStatusPollMs?: number;
  logger: Logger;
  metrics: PodMetrics;
  onUpdates(updates: TickerUpdate[]): void;
  onStatus?(status: UpstreamStatus): void;
}

export interface UpstreamStatus {
  exchange: string;
  /**
   * `open` when every connection is open and delivering; otherwise the state of the first that
   * is not: `silent` when open but quiet for 3 cadences of its streams (Binance's ticker: 3 s).
   */
  connection: FeedState;
  /** The connect circuit breaker: `open` means no connect is tried until it half-opens. */
  breaker: BreakerState;
  /** When the oldest open connection opened (ms), if all are open (silent or not). */
  connectedSince: number | undefined;
  /** When the last frame arrived (ms), if any did. */
  lastFrameAt: number | undefined;
  reconnects: number;
  /** Symbols subscribed, and wanted ones the exchange's limits left out. */
  symbols: { subscribed: number; refused: string[] };
  shards: ShardStatus[];
  /** Connects made in the exchange's window, and the share of its allowance this pod uses. */
  connects: { used: number; allowance: number };
  /** The REST fallback: `polling` while it stands in for the WebSocket. */
  restFallback: RestFallbackStatus;
  malformedFrames: number;
  /**
   * The exchange's latest error frame (Massive `auth_failed`, `max_connections`...), so a feed
   * that keeps closing says why; absent until one arrives.
   */
  lastError?: { code: string; message: string; at: number };
  /**
   * The exchange's market hours where it reports them (Massive): `closed` means the silence of
   * an open connection is the market, and the watchdogs stand down. Absent: always trading.
   */
  market?: MarketHoursStatus;
  /**
   * The exchange's words when it refused this account's plan the socket (Massive free plan):
   * no more connects; the REST fallback stands in where the plan allows it.
   */
  socketRefusal?: string;
  /** Which of the exchange's sockets the leader connects to (Massive: `realtime`, `delayed`). */
  feed?: string;
}

interface SymbolState {
  shard: StreamShard;
  streams: string[];
  /** When it was last subscribed, delivered, or re-subscribed (ms): the watchdog's clock. */
  lastSignOfLifeAt: number;
}

/** `tickwire_upstream_breaker_state` values. */
const BREAKER_STATE_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Malformed frames are logged at most this often; the counter sees every one. */
const MALFORMED_LOG_INTERVAL_MS = 5_000;
/** The symbol watchdog looks this many times per stale period. */
const SYMBOL_CHECKS_PER_PERIOD = 4;
/** How often the exchange is asked about its market hours unless told otherwise (ms). */
const DEFAULT_MARKET_STATUS_POLL_MS = 60_000;
/** Most refused symbols listed in the status (the counter sees all). */
const MAX_REFUSED_LISTED = 20;

export class Upstream implements Lifecycle {
  private readonly breaker: ConnectBreaker;
  private readonly connectBudget: ConnectBudget;
  private readonly shards: StreamShard[] = [];
  private readonly symbols = new Map<string, SymbolState>();
  private readonly refused = new Set<string>();
  private readonly fallback: RestFallback;
  private readonly gaps: FeedGapDetector | undefined;
  readonly exchange: ExchangeId;
  private readonly maxShards: number;
  private fallbackTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly log: Logger;
  private nextShardId = 0;
  private reconnects = 0;
  private malformed = 0;
  private lastMalformedLogAt = 0;
  private lastFrameAt = 0;
  private lastError: UpstreamStatus['lastError'];
  private readonly marketHours: MarketHoursWatch | undefined;
  private socketRefusal: string | undefined;

  constructor(private readonly options: UpstreamOptions) {
    this.log = options.logger;
    const { adapter, metrics } = options;
    this.exchange = adapter.id;
    this.maxShards = adapter.limits.maxConnectionsPerKey ?? Number.POSITIVE_INFINITY;
    this.gaps = adapter.feedGapDetector?.();
    this.connectBudget = new ConnectBudget(
      adapter.limits.maxConnectsPerWindow,
      adapter.limits.connectWindowMs,
    );
    this.breaker = new ConnectBreaker({
      failuresToOpen: options.breakerFailures,
      resetMs: options.breakerResetMs,
      onEvent: (event, state) => {
        metrics.upstreamBreakerEvents.inc({ exchange: this.exchange, event });
        metrics.upstreamBreakerState.set({ exchange: this.exchange }, BREAKER_STATE_VALUES[state]);
        if (event === 'open' || event === 'halfOpen' || event === 'close') {
          this.log.warn({ breaker: state }, `exchange connect breaker ${state}`);
          this.changed();
        }
      },
    });
    this.fallback = new RestFallback({
      adapter,
      restBaseUrl: options.restBaseUrl,
      rest: options.rest,
      symbols: () => this.symbolsWithoutSocket(),
      pollMs: options.restPollMs,
      logger: options.logger.child({ component: 'rest-fallback' }),
      onUpdates: (updates) => options.onUpdates(updates),
      onStatus: () => this.changed(),
    });
    this.marketHours =
      adapter.marketStatus &&
      new MarketHoursWatch({
        source: adapter.marketStatus,
        venue: this.exchange,
        restBaseUrl: options.restBaseUrl,
        rest: options.rest,
        pollMs: options.marketStatusPollMs ?? DEFAULT_MARKET_STATUS_POLL_MS,
        logger: options.logger.child({ component: 'market-hours' }),
        onChange: () => this.changed(),
      });
    this.place(options.symbols);
  }

  async start(): Promise<void> {
    this.running = true;
    this.marketHours?.start();
    await Promise.all(this.shards.map((shard) => shard.start()));
    const checkMs = Math.max(50, Math.floor(this.options.symbolStaleMs / SYMBOL_CHECKS_PER_PERIOD));
    this.watchdogTimer = setInterval(() => this.checkSymbols(), checkMs);
    this.followConnections();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.marketHours?.stop();
    clearTimeout(this.fallbackTimer);
    clearInterval(this.watchdogTimer);
    this.fallbackTimer = undefined;
    this.watchdogTimer = undefined;
    this.fallback.close();
    await Promise.all(this.shards.map((shard) => shard.stop()));
    this.breaker.shutdown();
    this.options.metrics.upstreamConnected.set({ exchange: this.exchange }, 0);
    this.options.metrics.upstreamConnections.set({ exchange: this.exchange }, 0);
  }

  /**
   * Carries exactly `symbols` from now on: new ones go to a connection with room (or a new
   * connection), gone ones are unsubscribed, connections left empty close.
   */
  setSymbols(symbols: readonly string[]): void {
    const wanted = new Set(symbols);
    for (const [symbol, state] of this.symbols) {
      if (wanted.has(symbol)) continue;
      state.shard.remove(state.streams);
      this.symbols.delete(symbol);
    }
    for (const symbol of this.refused) if (!wanted.has(symbol)) this.refused.delete(symbol);
    this.place(symbols.filter((symbol) => !this.symbols.has(symbol)));
    void this.closeEmptyShards();
    this.changed();
  }

  /** The symbols carried now. */
  subscribedSymbols(): string[] {
    return [...this.symbols.keys()];
  }

  status(): UpstreamStatus {
    const shards = this.shards.map((shard) => shard.status());
    const unwell = shards.find((shard) => shard.connection !== 'open');
    const connection: FeedState = unwell?.connection ?? (shards.length > 0 ? 'open' : 'idle');
    const allOpen = shards.every((shard) => shard.connectedSince !== undefined);
    const since = allOpen ? Math.min(...shards.map((shard) => shard.connectedSince ?? Infinity)) : undefined;
    return {
      exchange: this.exchange,
      connection,
      breaker: this.breaker.state(),
      connectedSince: since !== undefined && Number.isFinite(since) ? since : undefined,
      lastFrameAt: this.lastFrameAt || undefined,
      reconnects: this.reconnects,
      symbols: { subscribed: this.symbols.size, refused: [...this.refused].slice(0, MAX_REFUSED_LISTED) },
      shards,
      connects: { used: this.connectBudget.used(), allowance: this.connectBudget.allowance },
      restFallback: this.fallback.status(),
      malformedFrames: this.malformed,
      ...(this.lastError && { lastError: this.lastError }),
      ...(this.marketHours?.status() && { market: this.marketHours.status() }),
      ...(this.socketRefusal !== undefined && { socketRefusal: this.socketRefusal }),
      ...(this.options.adapter.socketFeed && { feed: this.options.adapter.socketFeed() }),
    };
  }

  /** Puts each symbol's streams on one shard with room, opening shards as the limits allow. */
  private place(symbols: readonly string[]): void {
    const { adapter, metrics } = this.options;
    const maxStreams = adapter.limits.maxStreamsPerConnection;
    const added = new Map<StreamShard, string[]>();
    const now = Date.now();
    for (const symbol of symbols) {
      if (this.symbols.has(symbol)) continue;
      let streams: string[];
      try {
        streams = adapter.streamsFor(symbol);
      } catch (error) {
        this.log.warn({ symbol, err: (error as Error).message }, 'symbol cannot be streamed; ignored');
        continue;
      }
      let shard = this.shards.find((candidate) => candidate.streams.size + streams.length <= maxStreams);
      if (!shard && this.shards.length < this.maxShards && streams.length <= maxStreams)
        shard = this.openShard();
      if (!shard) {
        if (!this.refused.has(symbol)) {
          this.refused.add(symbol);
          metrics.upstreamSymbolsRefused.inc({ exchange: this.exchange });
          this.log.warn(
            { symbol, maxStreams, maxConnections: this.maxShards },
            'exchange connection limits reached; symbol not subscribed',
          );
        }
        continue;
      }
      this.refused.delete(symbol);
      // Counted now, so the next symbol sees the room this one takes.
      for (const stream of streams) shard.streams.add(stream);
      this.symbols.set(symbol, { shard, streams, lastSignOfLifeAt: now });
      added.set(shard, [...(added.get(shard) ?? []), ...streams]);
    }
    for (const [shard, streams] of added) shard.add(streams);
    metrics.upstreamSymbols.set({ exchange: this.exchange }, this.symbols.size);
  }

  private openShard(): StreamShard {
    const { adapter, metrics } = this.options;
    const id = this.nextShardId++;
    const shard = new StreamShard({
      id,
      adapter,
      wsBaseUrl: this.options.wsBaseUrl,
      breaker: this.breaker,
      connectBudget: this.connectBudget,
      watchdogMs: this.options.watchdogMs,
      backoff: { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs },
      logger: this.log,
      rotateAfterMs: Math.min(this.options.rotateAfterMs, adapter.limits.maxConnectionAgeMs),
      overlapMs: this.options.rotationOverlapMs,
      // A rotation holds one connection more than the shards do; Finnhub allows no second.
      makeBeforeBreak: this.shards.length + 1 < (adapter.limits.maxConnectionsPerKey ?? Infinity),
      onFrame: (text, receivedAt) => this.handleFrame(text, receivedAt, shard),
      onStatus: () => this.followConnections(),
      onSilence: () => this.changed(),
      onRotated: (_shard, reason) => metrics.upstreamRotations.inc({ exchange: this.exchange, reason }),
      onReconnect: (reason) => {
        this.reconnects += 1;
        metrics.upstreamReconnects.inc({ exchange: this.exchange, reason });
      },
      onControlFrame: (method) => metrics.upstreamControlFrames.inc({ exchange: this.exchange, method }),
      // A closed market is silent: no reconnects for it.
      quietAllowed: () => this.marketHours?.isClosed() ?? false,
    });
    this.shards.push(shard);
    if (this.running && this.socketRefusal === undefined) void shard.start();
    return shard;
  }

  /** Shards left without streams close; the first stays, so the exchange's state stays known. */
  private async closeEmptyShards(): Promise<void> {
    const empty = this.shards.filter((shard, index) => index > 0 && shard.streams.size === 0);
    if (empty.length === 0) return;
    for (const shard of empty) this.shards.splice(this.shards.indexOf(shard), 1);
    await Promise.all(empty.map((shard) => shard.stop()));
    this.followConnections();
  }

  /**
   * The plan has no socket: every shard stops for good (reconnecting cannot help, and would only
   * spend the connect allowance), and the REST fallback takes every symbol.
   */
  private refuseSocket(refusal: string | undefined): void {
    if (refusal === undefined || this.socketRefusal !== undefined) return;
    this.socketRefusal = refusal;
    this.log.error({ refusal }, 'the exchange refuses this plan its WebSocket: no more connects');
    void Promise.all(this.shards.map((shard) => shard.stop())).then(() => this.followConnections());
  }

  /** Symbols whose connection is not open: the REST fallback polls these. */
  private symbolsWithoutSocket(): string[] {
    const out: string[] = [];
    for (const [symbol, state] of this.symbols) if (state.shard.connection() !== 'open') out.push(symbol);
    return out;
  }

  /** REST stands in while a connection is not open (after a short grace), and steps back when all are. */
  private followConnections(): void {
    const open = this.shards.filter((shard) => shard.connection() === 'open').length;
    const { metrics } = this.options;
    metrics.upstreamConnections.set({ exchange: this.exchange }, open);
    metrics.upstreamConnected.set(
      { exchange: this.exchange },
      open > 0 && open === this.shards.length ? 1 : 0,
    );
    const allOpen = open === this.shards.length;
    if (allOpen || !this.running) {
      clearTimeout(this.fallbackTimer);
      this.fallbackTimer = undefined;
      this.fallback.stop();
    } else {
      this.fallbackTimer ??= setTimeout(() => {
        this.fallbackTimer = undefined;
        if (this.running && this.symbolsWithoutSocket().length > 0) this.fallback.start();
      }, this.options.restPollMs / 2);
    }
    this.changed();
  }

  private changed(): void {
    this.options.onStatus?.(this.status());
  }

  /** Symbols silent for `symbolStaleMs` on an open connection are subscribed again, once per period. */
  private checkSymbols(): void {
    // Nothing trades while the market is closed: a quiet symbol is not a broken stream.
    if (this.marketHours?.isClosed()) return;
    const now = Date.now();
    const stale = new Map<StreamShard, string[]>();
    const names: string[] = [];
    for (const [symbol, state] of this.symbols) {
      const openSince = state.shard.openSince();
      if (openSince === 0) continue;
      const quietSince = Math.max(state.lastSignOfLifeAt, openSince);
      if (now - quietSince < this.options.symbolStaleMs) continue;
      state.lastSignOfLifeAt = now;
      stale.set(state.shard, [...(stale.get(state.shard) ?? []), ...state.streams]);
      names.push(symbol);
    }
    if (names.length === 0) return;
    this.options.metrics.upstreamResubscribes.inc({ exchange: this.exchange }, names.length);
    this.log.warn(
      {
        symbols: names.slice(0, MAX_REFUSED_LISTED),
        count: names.length,
        silentMs: this.options.symbolStaleMs,
      },
      'open streams silent; subscribing again',
    );
    for (const [shard, streams] of stale) shard.resubscribe(streams);
  }

  /**
   * A symbol's heartbeat proves its stream alive (a quiet market is not a silent stream); one
   * that proves messages were lost (Coinbase: heartbeats missed or going back) re-subscribes the
   * symbol, which makes the exchange send its current ticker again.
   */
  private heartbeat(message: Extract<FeedMessage, { type: 'heartbeat' }>): void {
    if (message.symbol === undefined) return;
    const state = this.symbols.get(message.symbol);
    if (!state) return;
    state.lastSignOfLifeAt = Date.now();
    const gap = this.gaps?.observe(message);
    if (!gap) return;
    this.gaps?.forget(gap.symbol);
    this.options.metrics.upstreamResubscribes.inc({ exchange: this.exchange });
    this.log.warn(
      { symbol: gap.symbol, reason: gap.reason },
      'feed gap found in heartbeats; subscribing again',
    );
    state.shard.resubscribe(state.streams);
  }

  private handleFrame(text: string, receivedAt: number, shard: StreamShard): void {
    this.lastFrameAt = receivedAt;
    const message = this.options.adapter.parse(text, receivedAt);
    this.options.metrics.upstreamMessages.inc({ exchange: this.exchange, type: message.type });
    this.dispatch(message, text, shard);
  }

  private dispatch(message: FeedMessage, text: string, shard: StreamShard): void {
    switch (message.type) {
      case 'tickers':
        if (message.updates.length === 0) return;
        for (const update of message.updates) {
          const state = this.symbols.get(update.symbol);
          if (state) state.lastSignOfLifeAt = update.receiveTime;
        }
        this.options.onUpdates(message.updates);
        return;
      case 'shutdown':
        this.log.warn(
          { at: message.time, shard: shard.id },
          'exchange announced a shutdown of this connection',
        );
        shard.rotate('shutdown-notice');
        return;
      case 'error':
        this.options.metrics.upstreamErrorFrames.inc({ exchange: this.exchange, code: String(message.code) });
        this.log.warn({ id: message.id, code: message.code, msg: message.message }, 'exchange error frame');
        this.lastError = { code: String(message.code), message: message.message, at: Date.now() };
        if (this.options.adapter.stepDownSocket?.(message)) {
          // Not final: the next connect goes to the lesser socket the plan may allow.
          this.log.warn(
            { msg: message.message, feed: this.options.adapter.socketFeed?.() },
            'the exchange refused this socket: stepping down to the next one',
          );
        } else {
          this.refuseSocket(this.options.adapter.socketRefusal?.(message));
        }
        this.changed();
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
      case 'heartbeat':
        this.heartbeat(message);
        return;
      case 'ack':
      case 'ignored':
        return;
    }
  }
}
