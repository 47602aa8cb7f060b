/**
 * A pod serving Massive US stocks (EXCHANGES=massive) from the protocol-faithful simulator:
 * ticks end to end on the real-time and the delayed host, auth failure, max_connections, and
 * the batch snapshot as the REST fallback, one request per poll for 50 symbols.
 */
import { WebSocket } from 'ws';
import { startMassiveSim, waitFor, type MassiveSim } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

jest.setTimeout(30_000);

interface PriceBody {
  exchange: string;
  symbol: string;
  last?: string;
  bid?: string;
  source: string;
}

interface UpstreamBody {
  exchange: string;
  connection: string;
  reconnects: number;
  lastError?: { code: string; message: string };
  restFallback: { state: string; refusal?: string };
  market?: { state: string; trading: boolean };
  socketRefusal?: string;
  feed?: string;
}

const KEY = 'test-key';
const sims: MassiveSim[] = [];
let harness: PodHarness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  await Promise.all(sims.splice(0).map((sim) => sim.stop()));
});

async function sim(options: Parameters<typeof startMassiveSim>[0] = {}): Promise<MassiveSim> {
  const started = await startMassiveSim({
    tradesPerSecond: 20,
    batchIntervalMs: 50,
    apiKeys: [KEY],
    ...options,
  });
  sims.push(started);
  return started;
}

function startPod(massive: MassiveSim, env: Record<string, string> = {}): Promise<PodHarness> {
  return startPodHarness({
    EXCHANGES: 'massive',
    SYMBOLS: 'MASSIVE:AAPL,MASSIVE:MSFT',
    MASSIVE_API_KEY: KEY,
    MASSIVE_FEED: 'realtime',
    MASSIVE_REALTIME_WS_URL: massive.wsUrl,
    MASSIVE_DELAYED_WS_URL: massive.wsUrl,
    MASSIVE_REST_URL: massive.url,
    ...env,
  });
}

async function price(symbol: string): Promise<PriceBody | undefined> {
  const response = await harness!.get(`/v1/prices/${encodeURIComponent(symbol)}`);
  return response.status === 200 ? ((await response.json()) as PriceBody) : undefined;
}

async function upstream(): Promise<UpstreamBody> {
  const status = (await (await harness!.get('/v1/status')).json()) as { upstreams: UpstreamBody[] };
  return status.upstreams.find((u) => u.exchange === 'massive')!;
}

describe('a pod serving Massive', () => {
  it('streams trades and quotes from the real-time host into one ticker', async () => {
    const massive = await sim();
    harness = await startPod(massive);
    const body = await waitFor(
      async () => {
        const p = await price('MASSIVE:AAPL');
        return p?.last !== undefined && p.bid !== undefined ? p : undefined;
      },
      { timeoutMs: 10_000, what: 'a Massive price with a bid' },
    );
    expect(body).toMatchObject({ exchange: 'massive', symbol: 'MASSIVE:AAPL', source: 'ws' });
    expect(body.last).toMatch(/^\d+(\.\d+)?$/);
    expect(massive.stats().wsConnections).toBe(1);
    expect(massive.subscriptions()).toEqual({
      'AM.AAPL': 1,
      'AM.MSFT': 1,
      'Q.AAPL': 1,
      'Q.MSFT': 1,
      'T.AAPL': 1,
      'T.MSFT': 1,
    });
    expect((await upstream()).connection).toBe('open');
  });

  it('uses the delayed host when MASSIVE_FEED=delayed, without quotes', async () => {
    const realtime = await sim();
    const delayed = await sim({ feed: 'delayed', plan: 'starter' });
    harness = await startPod(realtime, { MASSIVE_FEED: 'delayed', MASSIVE_DELAYED_WS_URL: delayed.wsUrl });
    await waitFor(() => price('MASSIVE:MSFT'), { timeoutMs: 10_000, what: 'a delayed Massive price' });
    expect(delayed.subscriptions()).toEqual({ 'AM.AAPL': 1, 'AM.MSFT': 1, 'T.AAPL': 1, 'T.MSFT': 1 });
    expect(realtime.stats().wsConnectionsTotal).toBe(0);
  });

  it('with MASSIVE_FEED=auto, steps down to the delayed host when the real-time host refuses the plan', async () => {
    const realtime = await sim({ plan: 'developer' });
    const delayed = await sim({ feed: 'delayed', plan: 'developer' });
    harness = await startPod(realtime, { MASSIVE_FEED: 'auto', MASSIVE_DELAYED_WS_URL: delayed.wsUrl });
    await waitFor(async () => ((await price('MASSIVE:MSFT'))?.source === 'ws' ? true : undefined), {
      timeoutMs: 10_000,
      what: 'a Massive price from the delayed socket',
    });
    expect(delayed.subscriptions()).toEqual({ 'AM.AAPL': 1, 'AM.MSFT': 1, 'T.AAPL': 1, 'T.MSFT': 1 });
    expect(realtime.stats()).toMatchObject({ wsConnectionsTotal: 1, authFailures: 1 });
    const status = await upstream();
    expect(status).toMatchObject({ feed: 'delayed', connection: 'open' });
    expect(status.socketRefusal).toBeUndefined();
    expect(status.lastError?.message).toContain("doesn't include real-time data");
  });

  it('with MASSIVE_FEED=auto, an Advanced key stays on the real-time host, quotes included', async () => {
    const realtime = await sim({ plan: 'advanced' });
    const delayed = await sim({ feed: 'delayed', plan: 'advanced' });
    harness = await startPod(realtime, { MASSIVE_FEED: 'auto', MASSIVE_DELAYED_WS_URL: delayed.wsUrl });
    await waitFor(async () => ((await price('MASSIVE:AAPL'))?.bid !== undefined ? true : undefined), {
      timeoutMs: 10_000,
      what: 'a Massive price with a bid',
    });
    expect(realtime.subscriptions()).toMatchObject({ 'Q.AAPL': 1, 'T.AAPL': 1, 'AM.AAPL': 1 });
    expect(delayed.stats().wsConnectionsTotal).toBe(0);
    expect((await upstream()).feed).toBe('realtime');
  });

  it('with MASSIVE_FEED=auto, a free key is refused once by each host, then never dials again', async () => {
    const realtime = await sim({ plan: 'basic' });
    const delayed = await sim({ feed: 'delayed', plan: 'basic' });
    harness = await startPod(realtime, { MASSIVE_FEED: 'auto', MASSIVE_DELAYED_WS_URL: delayed.wsUrl });
    const status = await waitFor(
      async () => {
        const u = await upstream();
        return u.socketRefusal !== undefined ? u : undefined;
      },
      { timeoutMs: 10_000, what: 'the socket refusal in the status' },
    );
    expect(status.socketRefusal).toContain("doesn't include websocket access");
    expect(status.feed).toBe('delayed');
    // Long enough for several reconnects (backoff 50-500 ms) had they gone on.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(realtime.stats().wsConnectionsTotal).toBe(1);
    expect(delayed.stats().wsConnectionsTotal).toBe(1);
  });

  it('reports auth_failed for a wrong key in /v1/status, and streams nothing', async () => {
    const massive = await sim();
    harness = await startPod(massive, { MASSIVE_API_KEY: 'wrong-key' });
    const status = await waitFor(
      async () => {
        const u = await upstream();
        return u.lastError?.code === 'MASSIVE_AUTH_FAILED' ? u : undefined;
      },
      { timeoutMs: 10_000, what: 'auth_failed in the status' },
    );
    expect(status.lastError?.message).toContain('auth_failed');
    expect(massive.stats().authFailures).toBeGreaterThanOrEqual(1);
    expect(await price('MASSIVE:AAPL')).toBeUndefined();
  });

  it('reconnects after max_connections, when another client of the key took the connection', async () => {
    const massive = await sim();
    harness = await startPod(massive);
    await waitFor(() => price('MASSIVE:AAPL'), { timeoutMs: 10_000, what: 'a Massive price' });
    // Another application with the same key: its auth closes the pod's (older) connection.
    const other = new WebSocket(`${massive.wsUrl}/stocks`);
    try {
      await new Promise((resolve, reject) => {
        other.once('open', resolve);
        other.once('error', reject);
      });
      other.send(JSON.stringify({ action: 'auth', params: KEY }));
      const status = await waitFor(
        async () => {
          const u = await upstream();
          return u.lastError?.code === 'MASSIVE_MAX_CONNECTIONS' ? u : undefined;
        },
        { timeoutMs: 10_000, what: 'max_connections in the status' },
      );
      expect(status.lastError?.message).toContain('max_connections');
      expect(massive.stats().maxConnectionsClosed).toBeGreaterThanOrEqual(1);
    } finally {
      other.terminate();
    }
    await waitFor(async () => ((await upstream()).reconnects >= 1 ? true : undefined), {
      timeoutMs: 10_000,
      what: 'a reconnect',
    });
  });

  it('falls back to the batch snapshot: one request per poll for 50 symbols', async () => {
    const tickers = Array.from(
      { length: 50 },
      (_, i) => `S${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`,
    );
    const massive = await sim({ stocks: tickers, tradesPerSecond: 2 });
    massive.faults.refuseConnections(true);
    harness = await startPod(massive, {
      SYMBOLS: tickers.map((t) => `MASSIVE:${t}`).join(','),
      REST_FALLBACK_POLL_MS: '200',
    });
    await waitFor(
      async () => {
        const p = await price(`MASSIVE:${tickers[49]}`);
        return p?.source === 'rest' ? p : undefined;
      },
      { timeoutMs: 10_000, what: 'a price from the snapshot' },
    );
    await waitFor(() => (massive.stats().snapshotRequests >= 3 ? true : undefined), {
      timeoutMs: 10_000,
      what: 'three snapshot polls',
    });
    const stats = massive.stats();
    // Every REST request of the pod so far was the symbol list or a snapshot of all 50.
    expect(stats.lastSnapshotTickers).toBe(50);
    expect(stats.restRequests - stats.snapshotRequests).toBeLessThanOrEqual(2);
    expect((await upstream()).restFallback.state).toBe('polling');
  });

  it('reports a closed market as closed, and the watchdog leaves the silent socket alone', async () => {
    const massive = await sim({ marketOpen: false });
    harness = await startPod(massive, { UPSTREAM_WATCHDOG_MS: '1000', UPSTREAM_MARKET_STATUS_MS: '200' });
    // Until the first market-status answer the market counts as trading (a slow answer under
    // load may let the watchdog act once): count from the moment the pod knows it is closed.
    const known = await waitFor(
      async () => {
        const u = await upstream();
        return u.market?.state === 'closed' && u.connection === 'open' ? u : undefined;
      },
      { timeoutMs: 10_000, what: 'the market reported closed on an open connection' },
    );
    const connectsBefore = massive.stats().wsConnectionsTotal;
    // Three watchdog periods of silence on an open socket.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const closed = await upstream();
    expect(closed).toMatchObject({
      connection: 'open',
      reconnects: known.reconnects,
      market: { state: 'closed', trading: false },
    });
    expect(massive.stats().wsConnectionsTotal).toBe(connectsBefore);
    expect(await price('MASSIVE:AAPL')).toBeUndefined();
    // No price for the configured symbols, yet healthy: the market is closed, the feed is fine.
    const health = await harness.get('/health');
    expect(health.status).toBe(200);
    expect(((await (await harness.get('/v1/status')).json()) as { state: string }).state).toBe('live');

    massive.faults.setMarketOpen(true);
    await waitFor(() => price('MASSIVE:AAPL'), { timeoutMs: 10_000, what: 'a price once the market opened' });
    // The trades come at once; the pod learns the state at its next market-status poll.
    await waitFor(async () => (await upstream()).market?.state === 'open', {
      timeoutMs: 5_000,
      what: 'the market reported open',
    });
  });

  it('runs a free-plan key on what it allows: no socket retries, no snapshot polls, said in /v1/status', async () => {
    const massive = await sim({ plan: 'basic' });
    harness = await startPod(massive, { REST_FALLBACK_POLL_MS: '200' });
    const status = await waitFor(
      async () => {
        const u = await upstream();
        return u.socketRefusal !== undefined && u.restFallback.state === 'refused' ? u : undefined;
      },
      { timeoutMs: 10_000, what: 'both refusals in the status' },
    );
    expect(status.socketRefusal).toContain("doesn't include websocket access");
    expect(status.restFallback.refusal).toContain('not entitled');
    const before = massive.stats();
    // Long enough for several reconnects (backoff 50-500 ms) and polls (200 ms) had they gone on.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const after = massive.stats();
    expect(after.wsConnectionsTotal).toBe(1);
    expect(after.rest403).toBe(1);
    expect(after.restRequests).toBe(before.restRequests);
    // The symbol list still loads: reference data is in every plan.
    expect((await harness.get('/v1/prices/MASSIVE:AAPL')).status).not.toBe(500);
  });
});
