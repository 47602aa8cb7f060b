/**
 * The market-data side of scanner tests: a real RedisEngine under the pods' namespace, elected
 * leader, that stores and announces candle closes exactly as the leader pod's candle writer does
 * (the fenced `appendClosed` with `source: 'close'`), and can store history (`backfill`).
 * Tests choose the candles, so a strategy's outcome on each one is known in advance.
 */
import { RedisEngine } from '@tickwire/cluster';
import { CANDLE_INTERVAL_MS, type Candle, type CandleInterval } from '@tickwire/core';
import { waitFor } from '@tickwire/testkit';

export const MINUTE = 60_000;

export interface MarketLeader {
  engine: RedisEngine;
  close(candle: Candle): Promise<void>;
  history(candles: readonly Candle[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startMarketLeader(redisUrl: string, namespace: string): Promise<MarketLeader> {
  const engine = await RedisEngine.create({
    instanceId: 'market-leader',
    connection: { mode: 'standalone', url: redisUrl },
    namespace,
    timings: { leaseMs: 5_000, renewMs: 1_000, renewDeadlineMs: 4_000, retryMs: 200 },
  });
  await engine.distribution.start();
  await engine.candles.start();
  await engine.election.start();
  await waitFor(() => engine.election.state().role === 'leader', { timeoutMs: 5_000, what: 'market leader' });
  const append = async (candles: readonly Candle[], source: 'close' | 'backfill') => {
    const first = candles[0];
    if (!first) return;
    await engine.candles.appendClosed({ symbol: first.symbol, interval: first.interval, candles, source });
  };
  return {
    engine,
    close: (candle) => append([candle], 'close'),
    history: (candles) => append(candles, 'backfill'),
    stop: async () => {
      await engine.election.stop();
      await engine.candles.stop();
      await engine.distribution.stop();
      await engine.close();
    },
  };
}

/** A closed candle whose every price is `close`. */
export function testCandle(
  symbol: string,
  openTime: number,
  close: string,
  options: { interval?: CandleInterval; volume?: string } = {},
): Candle {
  const interval = options.interval ?? '1m';
  return {
    symbol,
    interval,
    openTime,
    closeTime: openTime + CANDLE_INTERVAL_MS[interval] - 1,
    open: close,
    high: close,
    low: close,
    close,
    volume: options.volume ?? '1',
    ticks: 1,
  };
}

/** The start of the minute `back` minutes before the current one. */
export function minuteAgo(back: number, now = Date.now()): number {
  return Math.floor(now / MINUTE) * MINUTE - back * MINUTE;
}
