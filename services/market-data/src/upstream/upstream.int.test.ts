import type { TickerUpdate } from '@tickwire/core';
import { createBinanceAdapter } from '@tickwire/exchanges';
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import {
  startExchangeSim,
  waitFor,
  waitUntilIntoMinute,
  watchEventLoopStalls,
  type EventLoopStalls,
  type ExchangeSim,
  type SimOptions,
} from '@tickwire/testkit';
import { REST_BUDGET_SHARE } from '../exchange-rest-venue';
import { createPodMetrics } from '../metrics';
import { testRestClient } from '../testing/rest-client';
import { Upstream } from './upstream';

const POLL_MS = 200;

/** One REST request of the fallback as the client's fetch saw it go out and its answer come in. */
interface SeenRequest {
  url: string;
  sentAt: number;
  receivedAt?: number;
  status?: number;
}

/** The global fetch, noting every request in `seen`: the times are the client's own. */
function recordingFetch(seen: SeenRequest[]): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    const request: SeenRequest = { url, sentAt: Date.now() };
    seen.push(request);
    const response = await fetch(input, init);
    request.receivedAt = Date.now();
    request.status = response.status;
    return response;
  };
}

describe('Upstream REST fallback (against the simulator)', () => {
  let sim: ExchangeSim;
  let upstream: Upstream | undefined;
  let updates: TickerUpdate[];
  let seen: SeenRequest[];
  /** Hold-ups of the event loop since the upstream was started, at `startedAt`. */
  let stalls: EventLoopStalls | undefined;
  let startedAt: number;

  afterEach(async () => {
    stalls?.stop();
    stalls = undefined;
    await upstream?.stop();
    upstream = undefined;
    await sim.stop();
  });

  async function start(simOptions: SimOptions = {}, breakerResetMs = 60_000) {
    sim = await startExchangeSim({
      tradesPerSecond: 10,
      tickerIntervalMs: 200,
      pingIntervalMs: 60_000,
      ...simOptions,
    });
    sim.faults.refuseConnections(true);
    updates = [];
    seen = [];
    const adapter = createBinanceAdapter({ streams: ['aggTrade'] });
    const symbols = ['BTCUSDT', 'ETHUSDT'];
    upstream = new Upstream({
      adapter,
      wsBaseUrl: sim.wsUrl,
      restBaseUrl: sim.url,
      rest: testRestClient([{ adapter, restBaseUrl: sim.url, symbols }], { fetch: recordingFetch(seen) }),
      restPollMs: POLL_MS,
      symbols,
      watchdogMs: 10_000,
      backoffBaseMs: 20,
      backoffMaxMs: 100,
      breakerFailures: 3,
      breakerResetMs,
      rotateAfterMs: 60_000,
      rotationOverlapMs: 1_000,
      symbolStaleMs: 60_000,
      logger: createLogger({ level: 'silent', service: 'test' }),
      metrics: createPodMetrics(createMetricsRegistry({ defaultMetrics: false })),
      onUpdates: (batch) => updates.push(...batch),
    });
    stalls = watchEventLoopStalls();
    startedAt = Date.now();
    await upstream.start();
    return upstream;
  }

  it('takes over within one poll interval with REST prices, and hands back to the WebSocket', async () => {
    const feed = await start({}, 500);
    const firstRest = await waitFor(() => updates.find((u) => u.source === 'rest'), {
      timeoutMs: 3_000,
      what: 'REST prices',
    });
    // The socket is refused from the start: the fallback sends its first request (the exchange's
    // limits, then the tickers) within one poll interval, and has prices once those requests
    // answered. Timers run no more punctually than the loop, so the loop's hold-ups are allowed for.
    const heldUpMs = stalls!.stalledMs();
    expect(seen[0]!.sentAt - startedAt).toBeLessThan(POLL_MS + heldUpMs);
    const requestsMs = seen
      .filter((request) => request.receivedAt !== undefined && request.receivedAt <= firstRest.receiveTime)
      .reduce((sum, request) => sum + request.receivedAt! - request.sentAt, 0);
    expect(firstRest.receiveTime - startedAt).toBeLessThan(POLL_MS + requestsMs + heldUpMs);
    expect(new Set(updates.map((u) => u.symbol))).toEqual(new Set(['BTCUSDT', 'ETHUSDT']));
    expect(feed.status().restFallback.state).toBe('polling');

    sim.faults.refuseConnections(false);
    await waitFor(() => feed.status().connection === 'open', {
      timeoutMs: 5_000,
      what: 'the WebSocket back',
    });
    await waitFor(() => updates.at(-1)?.source === 'ws', { timeoutMs: 3_000, what: 'WebSocket prices' });
    // A poll sent before the fallback stopped may not have reached the simulator yet.
    await waitFor(() => seen.every((request) => request.receivedAt !== undefined), {
      timeoutMs: 5_000,
      what: 'the requests in flight answered',
    });
    const requests = sim.stats().restRequests;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 3));
    expect(sim.stats().restRequests).toBe(requests); // polling stopped
    expect(feed.status().restFallback.state).toBe('idle');
  });

  it('keeps request weight within its share of the exchange limit under a sustained outage, never 429 or 418', async () => {
    const limit = 60;
    // The weight window is the clock's minute (the exchange's counter restarts with each one):
    // the budget is spent and checked inside one, not refilled by the next minute mid-test.
    await waitUntilIntoMinute(0, 45_000);
    const feed = await start({ restWeightLimitPerMinute: limit });
    // exchangeInfo (20) and five polls (2 each) spend the fallback's share (30); then it waits.
    await waitFor(() => feed.status().restFallback.pausedUntil !== undefined, {
      timeoutMs: 5_000,
      what: 'the budget to be spent',
    });
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 5));
    const stats = sim.stats();
    expect(stats.restWeightUsed).toBeGreaterThan(0);
    expect(stats.restWeightUsed).toBeLessThanOrEqual(limit * REST_BUDGET_SHARE);
    expect([stats.rest429, stats.rest418]).toEqual([0, 0]);
    const status = feed.status().restFallback;
    expect(status.weightLimit).toBe(limit); // learned from exchangeInfo, not the default
    expect(status.pausedUntil).toBeGreaterThan(Date.now()); // waiting for the next weight window
  });

  it('honours a 429 Retry-After to the second before polling again', async () => {
    const feed = await start();
    await waitFor(() => updates.some((u) => u.source === 'rest'), { timeoutMs: 3_000, what: 'REST prices' });
    const heldUpBeforeMs = stalls!.stalledMs();
    sim.faults.restFault({ status: 429, count: 1, retryAfterSec: 2 });
    await waitFor(() => feed.status().restFallback.state === 'rate-limited', {
      timeoutMs: 5_000,
      what: 'a 429',
    });
    const limited = seen.find((request) => request.status === 429)!;
    const next = await waitFor(() => seen.find((request) => request.sentAt > limited.sentAt), {
      timeoutMs: 6_000,
      what: 'the next request',
    });
    // Retry-After counts from the 429's arrival (RFC 9110 10.2.3), and the poll resumes when it ends.
    const waitedMs = next.sentAt - limited.receivedAt!;
    expect(waitedMs).toBeGreaterThanOrEqual(2_000);
    expect(waitedMs).toBeLessThan(2_000 + POLL_MS + stalls!.stalledMs() - heldUpBeforeMs);
    expect(sim.stats().rest418).toBe(0);
  });

  it('stops polling on a 418 ban until Retry-After has passed', async () => {
    const feed = await start();
    await waitFor(() => updates.some((u) => u.source === 'rest'), { timeoutMs: 3_000, what: 'REST prices' });
    sim.faults.restFault({ status: 418, count: 1, retryAfterSec: 30 });
    await waitFor(() => feed.status().restFallback.state === 'banned', { timeoutMs: 5_000, what: 'the ban' });
    const requests = sim.stats().restRequests;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 5));
    expect(sim.stats().restRequests).toBe(requests);
    expect(feed.status().restFallback.pausedUntil).toBeGreaterThan(Date.now() + 25_000);
  });
});
