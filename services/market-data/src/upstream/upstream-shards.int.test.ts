import type { TickerUpdate } from '@tickwire/core';
import { createBinanceAdapter, type ExchangeAdapter } from '@tickwire/exchanges';
import {
  startExchangeSim,
  waitFor,
  watchEventLoopStalls,
  type ExchangeSim,
  type SimOptions,
} from '@tickwire/testkit';
import { testUpstream } from '../testing/test-upstream';
import { FEED_CONNECTION_DEFAULTS } from './feed-connection';
import type { Upstream, UpstreamOptions } from './upstream';

/** Identity of one trade as the pod publishes it. */
const tradeKey = (u: TickerUpdate) => `${u.symbol}|${u.eventTime}|${u.last}|${u.tradeQty}`;

describe('Upstream connections (against the simulator)', () => {
  let sim: ExchangeSim | undefined;
  let upstream: Upstream | undefined;

  afterEach(async () => {
    await upstream?.stop();
    upstream = undefined;
    await sim?.stop();
    sim = undefined;
  });

  /** A simulator (unless a hook already started one) and an Upstream on it. */
  async function start(
    simOptions: SimOptions,
    symbols: string[],
    adapter: ExchangeAdapter,
    options: Partial<UpstreamOptions> = {},
  ) {
    sim ??= await startExchangeSim({ pingIntervalMs: 60_000, ...simOptions });
    const updates: TickerUpdate[] = [];
    upstream = testUpstream(sim, {
      adapter,
      symbols,
      breakerResetMs: 1_000,
      rotateAfterMs: 60_000,
      rotationOverlapMs: 300,
      onUpdates: (batch) => updates.push(...batch),
      ...options,
    });
    await upstream.start();
    return { feed: upstream, updates, sim };
  }

  it('rotates its connection before the exchange cuts it, make-before-break, losing and repeating no trade', async () => {
    const symbols = ['BTCUSDT', 'ETHUSDT'];
    const adapter = createBinanceAdapter({ streams: ['aggTrade'] });
    const {
      feed,
      updates,
      sim: s,
    } = await start(
      // The pod rotates at 1.2 s, twice in the run; the exchange would cut at 5 s, so a stall of
      // this process (which the simulator shares) cannot let its cut run before a rotation ends.
      { tradesPerSecond: 40, maxConnectionAgeMs: 5_000, symbols },
      symbols,
      adapter,
      { rotateAfterMs: 1_200 },
    );
    const generated: TickerUpdate[] = [];
    const aggIds = new Map<string, number[]>();
    const off = s.onEvent((event) => {
      if (!event.stream.endsWith('@aggTrade')) return;
      const data = event.data as { s: string; a: number };
      aggIds.set(data.s, [...(aggIds.get(data.s) ?? []), data.a]);
      const parsed = adapter.parse(JSON.stringify({ stream: event.stream, data: event.data }), event.sentAt);
      if (parsed.type === 'tickers') generated.push(...parsed.updates);
    });
    try {
      await waitFor(() => feed.status().connection === 'open', { timeoutMs: 3_000, what: 'open' });
      const windowStart = Date.now() + 200;
      await waitFor(() => s.stats().wsConnectionsTotal >= 3, { timeoutMs: 6_000, what: 'two rotations' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const windowEnd = Date.now() - 200;
      // The simulator numbers each symbol's trades without a gap: the sequence to check against.
      for (const ids of aggIds.values()) {
        expect(ids.every((id, index) => index === 0 || id === ids[index - 1]! + 1)).toBe(true);
      }
      const expected = generated.filter((u) => u.receiveTime >= windowStart && u.receiveTime <= windowEnd);
      expect(expected.length).toBeGreaterThan(100);
      const received = new Map<string, number>();
      const missing = () => {
        received.clear();
        for (const update of updates)
          received.set(tradeKey(update), (received.get(tradeKey(update)) ?? 0) + 1);
        return expected.filter((u) => !received.has(tradeKey(u)));
      };
      // Trades sent just before a stall of this process may still be unread when the pause ends.
      await waitFor(() => missing().length === 0, { timeoutMs: 5_000, what: 'every trade of the window' });
      expect([...received.values()].filter((count) => count > 1)).toEqual([]);
      // Every connection was replaced by the pod, none cut by the exchange's age limit.
      expect(s.stats().closed1008).toBe(0);
      expect(feed.status().reconnects).toBe(0);
    } finally {
      off();
    }
  });

  it('answers a serverShutdown notice by rotating at once, without losing a trade', async () => {
    const symbols = ['BTCUSDT'];
    const adapter = createBinanceAdapter({ streams: ['aggTrade'] });
    const {
      feed,
      updates,
      sim: s,
    } = await start(
      { tradesPerSecond: 40, maxConnectionAgeMs: 6_000, shutdownNoticeMs: 5_000, symbols },
      symbols,
      adapter,
    );
    await waitFor(() => feed.status().connection === 'open', { timeoutMs: 3_000, what: 'open' });
    const openedAt = Date.now();
    // The feed runs on this process's loop: it can be no more punctual than the loop.
    const stalls = watchEventLoopStalls();
    try {
      await waitFor(() => s.stats().wsConnectionsTotal >= 2 && s.stats().wsConnections === 1, {
        timeoutMs: 5_000,
        what: 'the notice to be answered by a new connection',
      });
    } finally {
      stalls.stop();
    }
    // The notice comes 1 s after opening (6 s age - 5 s notice); answered at once, the rotation
    // ends long before the exchange would cut at 6 s, even after a stall of this process.
    expect(Date.now() - openedAt).toBeLessThan(2_900 + stalls.stalledMs());
    expect(feed.status().reconnects).toBe(0);
    const keys = updates.map(tradeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('detects a symbol that went silent on an open connection and subscribes it again', async () => {
    const symbols = ['BTCUSDT', 'ETHUSDT'];
    const adapter = createBinanceAdapter({ streams: ['aggTrade'] });
    const {
      feed,
      updates,
      sim: s,
    } = await start({ tradesPerSecond: 20, symbols }, symbols, adapter, {
      symbolStaleMs: 600,
    });
    await waitFor(() => new Set(updates.map((u) => u.symbol)).size === 2, {
      timeoutMs: 3_000,
      what: 'ticks',
    });
    s.faults.silenceSymbol('BTCUSDT', true);
    const silencedAt = Date.now();
    // The feed runs on this process's loop: it can be no more punctual than the loop.
    const stalls = watchEventLoopStalls();
    try {
      await waitFor(() => (s.stats().controlFramesByMethod.UNSUBSCRIBE ?? 0) > 0, {
        timeoutMs: 3_000,
        what: 'the silent symbol to be unsubscribed',
      });
    } finally {
      stalls.stop();
    }
    // Found within the stale period plus one check (a quarter of it), not by the connection
    // watchdog (and not counting the time this process's loop was held up).
    expect(Date.now() - silencedAt).toBeLessThan(600 + 150 + 300 + stalls.stalledMs());
    const resubscribedAt = Date.now();
    await waitFor(() => updates.some((u) => u.symbol === 'BTCUSDT' && u.receiveTime > resubscribedAt), {
      timeoutMs: 3_000,
      what: 'BTCUSDT ticks again after the new SUBSCRIBE',
    });
    // ETHUSDT never stopped, and the connection was never replaced.
    expect(feed.status().reconnects).toBe(0);
    expect(s.stats().wsConnectionsTotal).toBe(1);
    expect(s.stats().closed1008).toBe(0);
  });

  describe('past 1024 streams', () => {
    const symbols = Array.from({ length: 600 }, (_, i) => `S${String(i).padStart(3, '0')}USDT`);
    const simOptions: SimOptions = { tradesPerSecond: 1, tickerIntervalMs: 1_000, symbols };
    /** The sum of the test's own waits, so a slow step fails with its name, not jest's timeout. */
    const SHARDS_TEST_TIMEOUT_MS = 60_000;

    // 600 symbols with 24 h of synthetic minute history each: the simulator spends seconds of
    // CPU before it listens (about 10 s inside jest, more on a busy machine), none of which is
    // what the test measures. It starts in a hook with its own time bound, not the test's.
    beforeEach(async () => {
      sim = await startExchangeSim({ pingIntervalMs: 60_000, ...simOptions });
    });

    it(
      'spreads streams over more connections past 1024, subscribing live at a paced rate, and closes a shard left empty',
      async () => {
        const adapter = createBinanceAdapter({ streams: ['aggTrade', 'ticker'] });
        const { feed, updates, sim: s } = await start(simOptions, symbols.slice(0, 100), adapter);
        // A precondition, not a measurement: the first connection opens within the handshake time
        // the feed allows itself (this process has just spent seconds of CPU on the simulator).
        await waitFor(() => feed.status().connection === 'open', {
          timeoutMs: FEED_CONNECTION_DEFAULTS.handshakeTimeoutMs,
          what: 'open',
        });
        feed.setSymbols(symbols);
        expect(feed.status().shards.map((shard) => shard.streams)).toEqual([1024, 176]);
        await waitFor(() => feed.status().shards.every((shard) => shard.established === shard.streams), {
          timeoutMs: 15_000,
          what: 'every stream established',
        });
        // Established counts a frame once sent; the simulator counts it once read.
        await waitFor(() => s.stats().subscriptions === 1200, {
          timeoutMs: 5_000,
          what: 'the last frame read',
        });
        expect(s.stats().wsConnections).toBe(2);
        // Paced under 5 messages/s: the simulator closes a connection with 1008 past it.
        expect(s.stats().closed1008).toBe(0);
        await waitFor(() => new Set(updates.map((u) => u.symbol)).size === 600, {
          timeoutMs: 10_000,
          what: 'prices for every symbol',
        });

        feed.setSymbols(symbols.slice(0, 50));
        await waitFor(() => s.stats().wsConnections === 1 && s.stats().subscriptions === 100, {
          timeoutMs: 15_000,
          what: 'unsubscribed and the second shard closed',
        });
        expect(feed.status().shards).toHaveLength(1);
        expect(s.stats().closed1008).toBe(0);
      },
      SHARDS_TEST_TIMEOUT_MS,
    );
  });
});
