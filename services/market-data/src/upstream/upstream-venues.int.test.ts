import type { TickerUpdate } from '@tickwire/core';
import {
  CoinbaseHeartbeatGapDetector,
  createCoinbaseAdapter,
  createFinnhubAdapter,
  type ExchangeAdapter,
} from '@tickwire/exchanges';
import {
  startCoinbaseSim,
  startFinnhubSim,
  waitFor,
  type CoinbaseSim,
  type FinnhubSim,
} from '@tickwire/testkit';
import { testUpstream, type SimEndpoints } from '../testing/test-upstream';
import type { Upstream, UpstreamOptions } from './upstream';

function upstreamFor(
  adapter: ExchangeAdapter,
  sim: SimEndpoints,
  symbols: string[],
  updates: TickerUpdate[],
  options: Partial<UpstreamOptions> = {},
): Upstream {
  return testUpstream(sim, {
    adapter,
    symbols,
    restPollMs: 200,
    breakerFailures: 3,
    onUpdates: (batch) => updates.push(...batch),
    ...options,
  });
}

describe('Upstream on Coinbase (against its simulator)', () => {
  let sim: CoinbaseSim;
  let upstream: Upstream | undefined;

  afterEach(async () => {
    await upstream?.stop();
    upstream = undefined;
    await sim.stop();
  });

  it('keeps a quiet product subscribed while its heartbeats arrive', async () => {
    // The simulator shares this process: a stall of it delays the heartbeats' reading past the
    // watchdog's checks, and spaces their stamps out for the gap detector. Heartbeats every 250 ms
    // against 2.5 s for both leave room for a stall of 2 s.
    sim = await startCoinbaseSim({ tradesPerSecond: 0, heartbeatIntervalMs: 250 });
    const adapter: ExchangeAdapter = {
      ...createCoinbaseAdapter(),
      feedGapDetector: () => new CoinbaseHeartbeatGapDetector({ maxHeartbeatGapMs: 2_500 }),
    };
    upstream = upstreamFor(adapter, sim, ['COINBASE:BTC-USD'], [], { symbolStaleMs: 2_500 });
    await upstream.start();
    await waitFor(() => sim.stats().subscribes > 0, { timeoutMs: 3_000, what: 'the subscription' });
    // No trades, only heartbeats, for twice the stale period.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(sim.stats().unsubscribes).toBe(0);
  });

  it('re-subscribes a product once its heartbeats prove messages were lost', async () => {
    sim = await startCoinbaseSim({ tradesPerSecond: 5, heartbeatIntervalMs: 1_000 });
    // The silence watchdog (60 s) stays out of it: only the heartbeat gap can act here.
    upstream = upstreamFor(createCoinbaseAdapter(), sim, ['COINBASE:BTC-USD'], []);
    await upstream.start();
    await waitFor(() => sim.stats().subscribes > 0, { timeoutMs: 3_000, what: 'the subscription' });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    // Heartbeats stop for 2.5 s: the next one is more than 1.5 heartbeats after the last.
    sim.faults.stall(2_500);
    await waitFor(() => sim.stats().unsubscribes > 0 && sim.stats().subscribes >= 2, {
      timeoutMs: 6_000,
      what: 'a re-subscription after the gap',
    });
    expect(upstream.status().reconnects).toBe(0);
  });
});

describe('Upstream on Finnhub (against its simulator)', () => {
  let sim: FinnhubSim;
  let upstream: Upstream | undefined;

  afterEach(async () => {
    await upstream?.stop();
    upstream = undefined;
    await sim.stop();
  });

  it('falls back to REST quotes one symbol per request within half the per-minute budget while the WebSocket is refused', async () => {
    sim = await startFinnhubSim({ apiKeys: ['k'], restCallsPerMinute: 20 });
    sim.faults.refuseConnections(true);
    const updates: TickerUpdate[] = [];
    const symbols = ['FINNHUB:AAPL', 'FINNHUB:MSFT', 'FINNHUB:NVDA'];
    upstream = upstreamFor(
      createFinnhubAdapter({ token: 'k', restCallsPerMinute: 20 }),
      sim,
      symbols,
      updates,
    );
    await upstream.start();
    await waitFor(() => symbols.every((s) => updates.some((u) => u.symbol === s && u.source === 'rest')), {
      timeoutMs: 5_000,
      what: 'REST quotes for every symbol',
    });
    // Quote times are seconds on the wire; in Tickwire they are ms.
    expect(updates.every((u) => u.eventTime > 1_600_000_000_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // 20 per minute, half of it for the fallback: at most 10 requests, and never a 429.
    expect(sim.stats().restRequests).toBeLessThanOrEqual(10);
    expect(sim.stats().rest429).toBe(0);
  });
});
