/**
 * The fan-out hub (every pod): the latest table, candles, and per-symbol subscriber sets.
 * Each batch from the distribution is applied once; each symbol's new ticker is encoded once
 * and the same bytes are queued to every subscriber, then every touched client gets one write.
 * The hub knows nothing of the upstream: it only sees batches.
 */
import type { ServerResponse } from 'node:http';
import {
  CandleAggregator,
  type Candle,
  type CandleInterval,
  type Lifecycle,
  type Ticker,
} from '@tickwire/core';
import type { TickBatch } from '@tickwire/cluster';
import type { Logger } from '@tickwire/observability';
import type { PodMetrics } from '../metrics';
import { SseClient } from './sse-client';
import { encodeEvent, HEARTBEAT_BYTES } from './sse-encoding';

export interface HubOptions {
  heartbeatMs: number;
  maxClientBufferBytes: number;
  stuckClientMs: number;
  candleHistory: number;
  logger: Logger;
  metrics: PodMetrics;
  now?: () => number;
}

export interface SubscribeOptions {
  symbols: ReadonlySet<string>;
  throttleMs: number;
}

/** How often stuck clients are looked for (ms). */
const SWEEP_INTERVAL_MS = 1_000;

const STATUS_KEY = '#status';

export class Hub implements Lifecycle {
  private readonly latest = new Map<string, Ticker>();
  private readonly subscribers = new Map<string, Set<SseClient>>();
  private readonly clients = new Set<SseClient>();
  private readonly candles: CandleAggregator;
  private readonly now: () => number;
  private lastBatch: { id: string; appliedAt: number } | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HubOptions) {
    this.candles = new CandleAggregator({ historyLimit: options.candleHistory });
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.options.heartbeatMs);
    this.sweepTimer = setInterval(() => this.sweepStuckClients(), SWEEP_INTERVAL_MS);
  }

  /** Stops timers and ends every stream with a final status event. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    clearInterval(this.sweepTimer);
    this.heartbeatTimer = undefined;
    this.sweepTimer = undefined;
    const goodbye = encodeEvent('status', { state: 'closing', reason: 'server-shutdown' });
    for (const client of [...this.clients]) {
      client.writeNow(goodbye);
      this.remove(client);
      client.response.end();
    }
  }

  /** Seeds the latest table (a snapshot from the distribution) without notifying anyone. */
  load(tickers: Iterable<Ticker>): void {
    for (const ticker of tickers) this.latest.set(ticker.symbol, ticker);
  }

  applyBatch(batch: TickBatch): void {
    const now = this.now();
    const touched = new Map<string, Ticker>();
    for (const ticker of batch.tickers) {
      this.latest.set(ticker.symbol, ticker);
      touched.set(ticker.symbol, ticker);
      if (ticker.last !== undefined)
        this.candles.apply(ticker.symbol, ticker.last, ticker.tradeQty, ticker.eventTime);
      this.options.metrics.tickLatency.observe(Math.max(0, now - ticker.eventTime) / 1000);
    }
    this.lastBatch = { id: batch.id, appliedAt: now };

    const dirty = new Set<SseClient>();
    for (const [symbol, ticker] of touched) {
      const subscribers = this.subscribers.get(symbol);
      if (!subscribers || subscribers.size === 0) continue;
      const bytes = encodeEvent('tick', ticker, batch.id);
      this.options.metrics.sseEvents.inc({ event: 'tick' }, subscribers.size);
      for (const client of subscribers) {
        client.enqueue(symbol, bytes, batch.id);
        dirty.add(client);
      }
    }
    for (const client of dirty) client.flush(now);
  }

  /** Tick events of a replayed batch for one client, encoded for that client only. */
  encodeReplay(batch: TickBatch, symbols: ReadonlySet<string>): Buffer[] {
    const last = new Map<string, Ticker>();
    for (const ticker of batch.tickers) if (symbols.has(ticker.symbol)) last.set(ticker.symbol, ticker);
    return [...last.values()].map((ticker) => encodeEvent('tick', ticker, batch.id));
  }

  /** Registers a stream. The caller writes the preamble (retry, snapshot or replay) first. */
  subscribe(response: ServerResponse, options: SubscribeOptions): SseClient {
    const metrics = this.options.metrics;
    const client = new SseClient(response, {
      symbols: options.symbols,
      throttleMs: options.throttleMs,
      maxBufferBytes: this.options.maxClientBufferBytes,
      onWrite: (bytes) => {
        metrics.sseBytes.inc(bytes);
      },
      onConflated: (events) => metrics.sseConflated.inc(events),
    });
    this.clients.add(client);
    for (const symbol of options.symbols) {
      let set = this.subscribers.get(symbol);
      if (!set) this.subscribers.set(symbol, (set = new Set()));
      set.add(client);
    }
    metrics.sseClients.set(this.clients.size);
    metrics.sseConnections.inc();
    return client;
  }

  remove(client: SseClient): void {
    if (!this.clients.delete(client)) return;
    client.close();
    for (const symbol of client.symbols) {
      const set = this.subscribers.get(symbol);
      set?.delete(client);
      if (set?.size === 0) this.subscribers.delete(symbol);
    }
    this.options.metrics.sseClients.set(this.clients.size);
  }

  /** Sends one status event to every client (conflated: a slow client only gets the newest). */
  broadcastStatus(status: unknown): void {
    const bytes = encodeEvent('status', status);
    for (const client of this.clients) {
      client.enqueue(STATUS_KEY, bytes);
      client.flush();
    }
    this.options.metrics.sseEvents.inc({ event: 'status' }, this.clients.size);
  }

  snapshotEvent(symbols: ReadonlySet<string>, decorate: (ticker: Ticker) => unknown): Buffer {
    const tickers: unknown[] = [];
    for (const symbol of symbols) {
      const ticker = this.latest.get(symbol);
      if (ticker) tickers.push(decorate(ticker));
    }
    return encodeEvent('snapshot', { tickers }, this.lastBatch?.id);
  }

  ticker(symbol: string): Ticker | undefined {
    return this.latest.get(symbol);
  }

  tickers(): Ticker[] {
    return [...this.latest.values()];
  }

  candleHistory(symbol: string, interval: CandleInterval, limit: number): Candle[] {
    return this.candles.candles(symbol, interval, limit);
  }

  clientCount(): number {
    return this.clients.size;
  }

  lastBatchInfo(): { id: string; appliedAt: number } | undefined {
    return this.lastBatch;
  }

  private heartbeat(): void {
    for (const client of this.clients) client.writeNow(HEARTBEAT_BYTES, 0);
  }

  private sweepStuckClients(): void {
    const now = this.now();
    for (const client of [...this.clients]) {
      if (client.stuckSince === undefined || now - client.stuckSince < this.options.stuckClientMs) continue;
      this.options.metrics.sseSlowDisconnects.inc();
      this.options.logger.warn(
        { stuckMs: now - client.stuckSince, buffered: client.response.writableLength },
        'cutting SSE client that stopped reading',
      );
      // Best effort: a client that is merely slow may still read why it was cut.
      client.writeNow(encodeEvent('status', { state: 'disconnected', reason: 'slow-consumer' }));
      this.remove(client);
      client.response.destroy();
    }
  }
}
