/**
 * The Redis engine's candle history: one sorted set per series (open time -> candle JSON),
 * written only by the leader's fenced script, which also records covered ranges, appends live
 * closes to a stream and announces them on a channel. Reads are plain commands; the channel
 * shares the subscriber connection with the election and the interest, each listening for its
 * own channel only.
 */
import { CANDLE_INTERVAL_MS, isCandleInterval, type Candle } from '@tickwire/core';
import type {
  CandleAppend,
  CandleBackfillRefusal,
  CandleCloseEntry,
  CandleCloseListener,
  CandleHistory,
  CandleRange,
  CandleSeriesKey,
} from '../engine';
import { decodeCandle, encodeCandle } from '../candle-codec';
import { defaultCoveredRange } from '../candle-history-options';
import type { ClusterLogger } from '../logger';
import { parseStreamId } from '../stream-id';
import type { StreamEntry } from './batch-codec';
import { NotLeaderError } from './errors';
import { candleSeriesField, type ClusterKeys } from './keys';
import type { RedisClient } from './redis-client';
import type { ClusterScripts } from './scripts';

export interface RedisCandleHistoryOptions {
  commands: RedisClient;
  /** The connection in subscriber mode that the election and the interest also use. */
  subscriber: RedisClient;
  scripts: ClusterScripts;
  keys: ClusterKeys;
  logger: ClusterLogger;
  /** The leader's fencing token; undefined when this pod cannot prove it leads. */
  fence: () => { value: string; epoch: number } | undefined;
  retainedCandles: number;
  /** Approximate MAXLEN of the closes stream. */
  retainedCloses: number;
  /** The clock refusals are checked against (ms). Default `Date.now`. */
  now?: () => number;
}

function parseRefusal(stored: string | null): CandleBackfillRefusal | undefined {
  if (stored === null) return undefined;
  try {
    const value = JSON.parse(stored) as Partial<CandleBackfillRefusal>;
    const { code, message, until } = value;
    if (typeof code === 'string' && typeof message === 'string' && typeof until === 'number')
      return { code, message, until };
  } catch {
    // A value no version of this code wrote: as if none were recorded.
  }
  return undefined;
}

function parseRanges(stored: string | null): CandleRange[] {
  const ranges: CandleRange[] = [];
  for (const part of (stored ?? '').split(',')) {
    const match = /^(\d+):(\d+)$/.exec(part);
    if (match) ranges.push({ from: Number(match[1]), to: Number(match[2]) });
  }
  return ranges;
}

export class RedisCandleHistory implements CandleHistory {
  readonly retainedCandles: number;
  private readonly listeners = new Set<CandleCloseListener>();
  private running = false;
  private readonly onMessage = (channel: string, message: string) => this.handleMessage(channel, message);

  constructor(private readonly options: RedisCandleHistoryOptions) {
    this.retainedCandles = options.retainedCandles;
  }

  /** Subscribes to close events; rejects (and undoes itself) when the subscription fails. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { subscriber, keys } = this.options;
    subscriber.on('message', this.onMessage);
    try {
      await subscriber.subscribe(keys.candleCloseEvents);
    } catch (error) {
      this.running = false;
      subscriber.off('message', this.onMessage);
      throw new Error(`cannot subscribe to ${keys.candleCloseEvents}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.options.subscriber.off('message', this.onMessage);
    this.listeners.clear();
    await this.options.subscriber.unsubscribe(this.options.keys.candleCloseEvents).catch(() => undefined);
  }

  async appendClosed(append: CandleAppend): Promise<Candle[]> {
    const fence = this.options.fence();
    if (!fence) throw new NotLeaderError('append candles', this.options.keys.leader);
    const covers = append.covers ?? defaultCoveredRange(append.candles.map((candle) => candle.openTime));
    if (!covers) return [];
    const stored = await this.options.scripts.fencedAppendCandles(
      fence.value,
      {
        symbol: append.symbol,
        interval: append.interval,
        intervalMs: CANDLE_INTERVAL_MS[append.interval],
        source: append.source,
      },
      { retainedCandles: this.retainedCandles, retainedCloses: this.options.retainedCloses },
      covers,
      append.candles.map((candle) => ({ openTime: candle.openTime, json: encodeCandle(candle) })),
    );
    return stored.map(decodeCandle).filter((candle) => candle !== undefined);
  }

  async closed(series: CandleSeriesKey, limit: number): Promise<Candle[]> {
    const key = this.options.keys.candles(series.symbol, series.interval);
    // Newest first from Redis, then reversed: the last `limit` members, oldest first.
    const newest = await this.options.commands.zrevrange(key, 0, limit - 1);
    return newest
      .reverse()
      .map(decodeCandle)
      .filter((candle) => candle !== undefined);
  }

  async covered(series: CandleSeriesKey): Promise<CandleRange[]> {
    const field = candleSeriesField(series.symbol, series.interval);
    return parseRanges(await this.options.commands.hget(this.options.keys.candleCovered, field));
  }

  async closesAfter(afterId: string | undefined, count: number): Promise<CandleCloseEntry[]> {
    if (afterId !== undefined && !parseStreamId(afterId))
      throw new TypeError(`not a stream id: ${JSON.stringify(afterId)}`);
    const start = afterId === undefined ? '-' : `(${afterId}`;
    const entries = (await this.options.commands.xrange(
      this.options.keys.candleCloses,
      start,
      '+',
      'COUNT',
      count,
    )) as StreamEntry[];
    const closes: CandleCloseEntry[] = [];
    for (const [id, fields] of entries) {
      const index = fields.indexOf('c');
      const candle = index >= 0 ? decodeCandle(fields[index + 1] ?? '') : undefined;
      if (candle) closes.push({ id, candle });
    }
    return closes;
  }

  onClose(listener: CandleCloseListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async requestBackfill(series: CandleSeriesKey): Promise<void> {
    const field = candleSeriesField(series.symbol, series.interval);
    await this.options.commands.sadd(this.options.keys.candleBackfillRequests, field);
  }

  async backfillRequests(): Promise<CandleSeriesKey[]> {
    const fields = await this.options.commands.smembers(this.options.keys.candleBackfillRequests);
    const requests: CandleSeriesKey[] = [];
    for (const field of fields) {
      const bar = field.indexOf('|');
      const interval = field.slice(0, bar);
      if (bar > 0 && isCandleInterval(interval)) requests.push({ interval, symbol: field.slice(bar + 1) });
    }
    return requests;
  }

  async refuseBackfill(series: CandleSeriesKey, refusal: CandleBackfillRefusal): Promise<void> {
    const { commands, keys } = this.options;
    const field = candleSeriesField(series.symbol, series.interval);
    const { code, message, until } = refusal;
    const results = await commands
      .multi()
      .hset(keys.candleBackfillRefusals, field, JSON.stringify({ code, message, until }))
      .srem(keys.candleBackfillRequests, field)
      .exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }

  async backfillRefusal(series: CandleSeriesKey): Promise<CandleBackfillRefusal | undefined> {
    const field = candleSeriesField(series.symbol, series.interval);
    const refusal = parseRefusal(
      await this.options.commands.hget(this.options.keys.candleBackfillRefusals, field),
    );
    return refusal && refusal.until > (this.options.now ?? Date.now)() ? refusal : undefined;
  }

  private handleMessage(channel: string, message: string): void {
    if (channel !== this.options.keys.candleCloseEvents || !this.running) return;
    const candle = decodeCandle(message);
    if (!candle) {
      this.options.logger.warn({ channel, length: message.length }, 'ignored a malformed candle close event');
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener({ ...candle });
      } catch (error) {
        this.options.logger.error({ err: (error as Error).message }, 'candle close listener failed');
      }
    }
  }
}
