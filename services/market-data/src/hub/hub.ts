/**
 * The fan-out hub (every pod): the latest table and the subscribers, grouped by
 * subscription. Each batch from the distribution is applied once; each symbol's new ticker is
 * encoded once; each group joins what changed for it into one frame per flush; every member
 * gets that same frame in one socket write. Flushes are paced and sliced by a FlushLoop. The
 * hub knows nothing of the upstream: it only sees batches.
 */
import type { ServerResponse } from 'node:http';
import type { Candle, CandleInterval, Lifecycle, Ticker } from '@tickwire/core';
import type { DistributionSnapshot, TickBatch } from '@tickwire/cluster';
import type { Logger } from '@tickwire/observability';
import type { PodMetrics } from '../metrics';
import {
  encodeEvent,
  HEARTBEAT_FRAME,
  SseFrame,
  SseWriter,
  STREAM_ENDINGS,
  type DetachOutcome,
} from '@tickwire/service';
import { BatchController } from './batch-controller';
import { FanoutQueue, type WriteTally } from './fanout-queue';
import { FlushLoop } from './flush-loop';
import { SseClient, type SseClientOptions } from './sse-client';
import { STATUS_KEY, SubscriberGroup, type PendingEvent } from './subscriber-group';
import { tickEvents } from './tick-events';

/**
 * Least time between two flushes of one group (ms). A few ms adds little latency and lets a
 * burst of batches reach a client as one write; under load a group waits longer than this anyway.
 */
export const DEFAULT_FLUSH_INTERVAL_MS = 5;
/**
 * Client writes per slice of the fan-out before the hub yields to the event loop: about 3 ms of
 * loopback socket writes on the 2-vCPU bench machine. It bounds the event-loop lag a fan-out
 * causes and lets new ticks in between slices; 400 measured a lower p99 than 1,000 at
 * 100k-200k events/s to 10,000 clients (bench/RESULTS.md).
 */
export const DEFAULT_WRITES_PER_SLICE = 400;
/**
 * Longest a group waits to gather several events into one write while the hub is saturated (ms).
 * Only a saturated hub waits at all, and its alternative is its own backlog: on the bench
 * machine that reached 115-175 ms p99 at 120-130 msg/s, against 95-104 ms when groups could wait
 * up to 90 ms for a second event (75 ms, also measured, is too short for events 77-83 ms apart;
 * bench/RESULTS.md). A group whose events come further apart than 90 % of this never waits.
 */
export const DEFAULT_MAX_LINGER_MS = 90;
/**
 * Members per subscriber group. A larger subscription gets several groups, which take turns
 * while the hub gathers events (SubscriberGroup.dueAt), so their writes come in bursts this
 * size instead of one burst per subscription. Each group joins its own frame per flush (from the
 * events encoded once), so the split costs one join per group, not per member.
 */
export const MAX_GROUP_MEMBERS = 250;
/** How often stuck clients are looked for (ms). */
const SWEEP_INTERVAL_MS = 1_000;
/** Clients per slice of a heartbeat round, for the same reason as DEFAULT_WRITES_PER_SLICE. */
const HEARTBEATS_PER_SLICE = 2_000;

export interface HubOptions {
  /** A stream is never silent longer than this: idle ones get a comment (ms). */
  heartbeatMs: number;
  /** Unsent bytes per client (and pending bytes per group) before it keeps only the latest per symbol. */
  maxClientBufferBytes: number;
  /** A client over its buffer limit this long is cut (ms). */
  stuckClientMs: number;
  /** A client cut for not reading, or ended at shutdown, gets this long to take its last bytes (ms). */
  endGraceMs: number;
  logger: Logger;
  metrics: PodMetrics;
  /** Default DEFAULT_FLUSH_INTERVAL_MS; 0 writes news on the next turn of the event loop. */
  flushIntervalMs?: number;
  /** Default DEFAULT_WRITES_PER_SLICE. */
  writesPerSlice?: number;
  /** Default DEFAULT_MAX_LINGER_MS; 0 never gathers events beyond the flush interval. */
  maxLingerMs?: number;
  /** Default MAX_GROUP_MEMBERS. */
  maxGroupMembers?: number;
  now?: () => number;
}

export interface SubscribeOptions {
  symbols: ReadonlySet<string>;
  throttleMs: number;
  /** Intervals whose candle closes the client gets as `candle` events (none by default). */
  candleIntervals?: ReadonlySet<CandleInterval>;
}

export class Hub implements Lifecycle {
  private readonly latest = new Map<string, Ticker>();
  /** The groups of each subscription (by SubscriberGroup.keyOf), in order of phase. */
  private readonly groups = new Map<string, SubscriberGroup[]>();
  private readonly groupsBySymbol = new Map<string, Set<SubscriberGroup>>();
  private readonly queue: FanoutQueue;
  private readonly clients = new Set<SseClient>();
  private readonly now: () => number;
  private readonly loop: FlushLoop;
  private readonly batching: BatchController;
  private readonly clientOptions: SseClientOptions;
  /** Counts applied batches and broadcasts: a client's snapshot covers everything up to its value. */
  private seq = 0;
  private lastBatch: { id: string; appliedAt: number } | undefined;
  /** The stream entry the latest table is exact as of (the id of snapshots and status events). */
  private streamPosition: string | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatSlice: NodeJS.Immediate | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private warnedUndetached = false;

  constructor(private readonly options: HubOptions) {
    this.now = options.now ?? Date.now;
    const metrics = options.metrics;
    this.clientOptions = {
      maxBufferBytes: options.maxClientBufferBytes,
      onConflated: (events) => metrics.sseConflated.inc(events),
      now: this.now,
    };
    this.batching = new BatchController({
      now: this.now,
      onChange: (change) => options.logger.debug(change, 'fan-out batch target changed'),
    });
    this.queue = new FanoutQueue({
      intervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      maxLingerMs: options.maxLingerMs ?? DEFAULT_MAX_LINGER_MS,
      batchTarget: () => this.batching.batchTarget,
      onWritten: (tally) => this.written(tally),
      onTake: (waitedMs) => metrics.sseFanoutDelay.observe(waitedMs / 1000),
    });
    this.loop = new FlushLoop({
      writesPerSlice: options.writesPerSlice ?? DEFAULT_WRITES_PER_SLICE,
      slice: (budget, now) => this.queue.slice(budget, now),
      now: this.now,
      onBusy: (ms) => this.batching.recordBusy(ms),
    });
  }

  async start(): Promise<void> {
    if (this.heartbeatTimer) return;
    // Every half period, clients silent for half a period get a comment: none is silent longer
    // than heartbeatMs, and clients receiving ticks get no heartbeat at all.
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.options.heartbeatMs / 2);
    this.sweepTimer = setInterval(() => this.sweepStuckClients(), SWEEP_INTERVAL_MS);
  }

  /** Sends what is pending, then ends every stream with a final status event. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    clearInterval(this.sweepTimer);
    clearImmediate(this.heartbeatSlice);
    this.heartbeatTimer = undefined;
    this.sweepTimer = undefined;
    this.heartbeatSlice = undefined;
    this.loop.stop();
    this.flushNow();
    // No id: a client still holding kept events never gets them, so it must resume from the last
    // event it did get, not from here.
    const goodbye = encodeEvent('status', STREAM_ENDINGS.serverShutdown);
    for (const client of [...this.clients]) {
      client.writeNow(goodbye);
      this.remove(client);
      client.writer.end(this.options.endGraceMs);
    }
  }

  /** Seeds the latest table (a snapshot from the distribution) without notifying anyone. */
  load(snapshot: DistributionSnapshot): void {
    for (const ticker of snapshot.tickers) this.latest.set(ticker.symbol, ticker);
    this.streamPosition = snapshot.id ?? this.streamPosition;
  }

  applyBatch(batch: TickBatch): void {
    const now = this.now();
    for (const ticker of batch.tickers) {
      this.latest.set(ticker.symbol, ticker);
      this.options.metrics.tickLatency.observe(Math.max(0, now - ticker.eventTime) / 1000);
    }
    this.lastBatch = { id: batch.id, appliedAt: now };
    this.streamPosition = batch.id;
    this.seq += 1;
    const events = tickEvents([batch], this.groupsBySymbol);
    for (const { ticker, id } of events) {
      const event: PendingEvent = {
        key: ticker.symbol,
        id,
        frame: encodeEvent('tick', ticker, id),
        seq: this.seq,
        at: now,
      };
      for (const group of this.groupsBySymbol.get(ticker.symbol)!) {
        group.add(event);
        this.queue.add(group);
      }
    }
    if (events.length > 0) this.loop.wake();
  }

  /**
   * The tick events of replayed batches that concern `client`, as one frame (undefined: none).
   * A throttled client gets what its stream would have sent: the latest event of each symbol.
   */
  replayFrame(batches: readonly TickBatch[], client: SseClient): SseFrame | undefined {
    const events =
      client.group.throttleMs > 0
        ? tickEvents(batches, client.symbols)
        : batches.flatMap((batch) => tickEvents([batch], client.symbols));
    if (events.length === 0) return undefined;
    return SseFrame.join(events.map(({ ticker, id }) => encodeEvent('tick', ticker, id)));
  }

  /**
   * Registers a stream whose head was written (`writeHead`); the caller writes the preamble
   * (retry, snapshot or replay) right after, before any flush can run.
   */
  subscribe(response: ServerResponse, options: SubscribeOptions): SseClient {
    const metrics = this.options.metrics;
    const group = this.groupFor(options.symbols, options.throttleMs, options.candleIntervals ?? new Set());
    const writer = new SseWriter(response, this.onDetach);
    const client = new SseClient(writer, group, this.seq, this.clientOptions);
    group.members.add(client);
    this.clients.add(client);
    metrics.sseClients.set(this.clients.size);
    metrics.sseConnections.inc();
    return client;
  }

  /** Counts what became of each stream's connection; warns once when node kept one it should not. */
  private readonly onDetach = (outcome: DetachOutcome): void => {
    this.options.metrics.sseDetach.inc({ outcome });
    if (outcome !== 'unsupported' || this.warnedUndetached) return;
    this.warnedUndetached = true;
    this.options.logger.warn(
      { node: process.version },
      "SSE streams stay with node's HTTP server on this node version: they work, but cost about twice the memory per idle stream",
    );
  };

  /**
   * Ends one stream with a final `status` event (`ending`, from STREAM_ENDINGS), written at once
   * and without an id: its kept events are dropped, so it resumes from the last one it read.
   */
  end(client: SseClient, ending: object): void {
    client.writeNow(encodeEvent('status', ending));
    this.remove(client);
    client.writer.end(this.options.endGraceMs);
  }

  remove(client: SseClient): void {
    if (!this.clients.delete(client)) return;
    client.close();
    const group = client.group;
    group.members.delete(client);
    if (group.members.size === 0) this.dropGroup(group);
    this.options.metrics.sseClients.set(this.clients.size);
  }

  /**
   * Sends one status event to every client (conflated: a slow client only gets the newest). It
   * carries the stream position: every client gets it after the ticks up to there, so resuming
   * from it is exact too.
   */
  broadcastStatus(status: unknown): void {
    if (this.clients.size === 0) return;
    this.seq += 1;
    const id = this.streamPosition;
    const event: PendingEvent = {
      key: STATUS_KEY,
      id,
      frame: encodeEvent('status', status, id),
      seq: this.seq,
      at: this.now(),
    };
    for (const groups of this.groups.values()) {
      for (const group of groups) {
        group.add(event);
        this.queue.add(group);
      }
    }
    this.loop.wake();
  }

  /**
   * Sends a closed candle as a `candle` event to the clients that asked for its symbol and
   * interval. No id: a candle close is not a position in the tick stream, so a client resuming
   * with Last-Event-ID keeps the id of the last tick or status it read (EventSource keeps its
   * last id across events without one); closes it missed are in `/v1/candles`.
   */
  broadcastCandle(candle: Candle): void {
    const groups = [...(this.groupsBySymbol.get(candle.symbol) ?? [])].filter((group) =>
      group.candleIntervals.has(candle.interval),
    );
    if (groups.length === 0) return;
    this.seq += 1;
    const event: PendingEvent = {
      key: `#candle ${candle.interval} ${candle.symbol}`,
      id: undefined,
      frame: encodeEvent('candle', candle),
      seq: this.seq,
      at: this.now(),
    };
    for (const group of groups) {
      group.add(event);
      this.queue.add(group);
    }
    this.loop.wake();
  }

  /** Writes everything pending now, throttles and intervals aside (shutdown, tests). */
  flushNow(): void {
    while (this.queue.slice(Number.MAX_SAFE_INTEGER, this.now(), true).more);
  }

  ticker(symbol: string): Ticker | undefined {
    return this.latest.get(symbol);
  }

  tickers(): Ticker[] {
    return [...this.latest.values()];
  }

  clientCount(): number {
    return this.clients.size;
  }

  /** Symbols at least one stream on this pod subscribes to (what the pod registers as wanted). */
  subscribedSymbols(): IterableIterator<string> {
    return this.groupsBySymbol.keys();
  }

  /** The stream entry the latest table is exact as of: what a snapshot of it resumes after. */
  position(): string | undefined {
    return this.streamPosition;
  }

  lastBatchInfo(): { id: string; appliedAt: number } | undefined {
    return this.lastBatch;
  }

  /** A group of the subscription with room for one more member, created if none has. */
  private groupFor(
    symbols: ReadonlySet<string>,
    throttleMs: number,
    candleIntervals: ReadonlySet<CandleInterval>,
  ): SubscriberGroup {
    const key = SubscriberGroup.keyOf(symbols, throttleMs, candleIntervals);
    const maxMembers = this.options.maxGroupMembers ?? MAX_GROUP_MEMBERS;
    let groups = this.groups.get(key);
    const open = groups?.find((group) => group.members.size < maxMembers);
    if (open) return open;
    if (!groups) this.groups.set(key, (groups = []));
    // The lowest phase no group of the subscription has (one left when its last member did).
    let phase = 0;
    while (groups.some((group) => group.phase === phase)) phase += 1;
    const metrics = this.options.metrics;
    const group = new SubscriberGroup(
      key,
      new Set(symbols),
      throttleMs,
      this.options.maxClientBufferBytes,
      (n) => metrics.sseConflated.inc(n),
      phase,
      candleIntervals,
    );
    groups.push(group);
    groups.sort((a, b) => a.phase - b.phase);
    for (const symbol of symbols) {
      let set = this.groupsBySymbol.get(symbol);
      if (!set) this.groupsBySymbol.set(symbol, (set = new Set()));
      set.add(group);
    }
    return group;
  }

  private dropGroup(group: SubscriberGroup): void {
    const groups = this.groups.get(group.key);
    const rest = groups?.filter((other) => other !== group) ?? [];
    if (rest.length > 0) this.groups.set(group.key, rest);
    else this.groups.delete(group.key);
    this.queue.delete(group);
    for (const symbol of group.symbols) {
      const set = this.groupsBySymbol.get(symbol);
      set?.delete(group);
      if (set?.size === 0) this.groupsBySymbol.delete(symbol);
    }
  }

  private written(tally: WriteTally): void {
    this.batching.recordWrites(tally.writes, tally.ticks + tally.statuses);
    const metrics = this.options.metrics;
    if (tally.ticks > 0) metrics.sseEvents.inc({ event: 'tick' }, tally.ticks);
    if (tally.statuses > 0) metrics.sseEvents.inc({ event: 'status' }, tally.statuses);
    if (tally.bytes > 0) metrics.sseBytes.inc(tally.bytes);
  }

  /** Comments to clients silent for half a period, a slice at a time. */
  private heartbeat(): void {
    if (this.heartbeatSlice) return; // the previous round is still going
    const silentSince = this.now() - this.options.heartbeatMs / 2;
    const clients = this.clients.values();
    const slice = () => {
      this.heartbeatSlice = undefined;
      let visited = 0;
      for (let next = clients.next(); !next.done; next = clients.next()) {
        const client = next.value;
        if (client.lastWriteAt <= silentSince) client.writeNow(HEARTBEAT_FRAME);
        visited += 1;
        if (visited >= HEARTBEATS_PER_SLICE) {
          this.heartbeatSlice = setImmediate(slice);
          return;
        }
      }
    };
    slice();
  }

  private sweepStuckClients(): void {
    const now = this.now();
    let stuck = 0;
    let cut = 0;
    for (const client of this.clients) {
      if (client.stuckSince === undefined) continue;
      stuck += 1;
      if (now - client.stuckSince < this.options.stuckClientMs) continue;
      cut += 1;
      // Queued behind what it did not read: a client that is merely slow may still see why.
      this.end(client, STREAM_ENDINGS.slowConsumer);
    }
    this.options.metrics.sseStuckClients.set(stuck - cut);
    if (cut > 0) {
      this.options.metrics.sseSlowDisconnects.inc(cut);
      this.options.logger.warn(
        { clients: cut, stuckMs: this.options.stuckClientMs },
        'cut SSE clients that stopped reading',
      );
    }
  }
}
