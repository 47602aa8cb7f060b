/**
 * A stalled exchange feed seen from the clients: real pods as child processes, the simulator's
 * stall fault. Binance pushes `@ticker` every second, so three missed pushes make the pod say
 * `degraded` (SSE `status`, `/v1/status`, `/health` 503) within about 3 s, long before the
 * watchdog (15 s) reconnects; the first frame after the stall makes it `live` again. Followers
 * learn it from the leader's report, one renew later.
 */
import {
  openSse,
  startExchangeSim,
  startPodProcess,
  waitFor,
  type ExchangeSim,
  type PodProcess,
  type SseConnection,
} from '@tickwire/testkit';
import { startCluster, type ClusterFixture } from './support/cluster-fixture';

jest.setTimeout(60_000);

/** Binance's documented `@ticker` update speed, which the simulator keeps here. */
const TICKER_MS = 1_000;
const STALL_MS = 7_000;
/**
 * Three missed pushes after the last frame (which came up to one push before the stall), a
 * check interval, and room for a loaded machine. Measured: 3.0-3.2 s.
 */
const LEADER_NOTICES_WITHIN_MS = 5 * TICKER_MS;

interface StatusBody {
  state: string;
  upstream: { connection: string } | null;
}

interface HealthCheck {
  componentId?: string;
  status: string;
  observedValue: unknown;
}

async function podStatus(pod: PodProcess): Promise<StatusBody> {
  return (await (await fetch(`${pod.url}/v1/status`)).json()) as StatusBody;
}

async function health(pod: PodProcess): Promise<{ code: number; upstream: HealthCheck[] }> {
  const response = await fetch(`${pod.url}/health`);
  const body = (await response.json()) as { checks: Record<string, HealthCheck[]> };
  return { code: response.status, upstream: body.checks['upstream:connection'] ?? [] };
}

const statusEvents = (sse: SseConnection) =>
  sse.events.filter((e) => e.event === 'status').map((e) => JSON.parse(e.data) as StatusBody);

/** Waits until the pod says `state` over /v1/status. */
async function waitForState(pod: PodProcess, state: string, timeoutMs: number): Promise<void> {
  await waitFor(async () => (await podStatus(pod)).state === state, {
    timeoutMs,
    intervalMs: 50,
    what: `${pod.url} to say ${state}`,
  });
}

describe('a stalled exchange feed', () => {
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;
  let cluster: ClusterFixture | undefined;
  const streams: SseConnection[] = [];

  afterEach(async () => {
    for (const sse of streams.splice(0)) sse.close();
    await pod?.stop();
    await sim?.stop();
    await cluster?.stop();
    pod = undefined;
    sim = undefined;
    cluster = undefined;
  });

  it('makes a single pod (memory engine) degraded within about 3 s, with /health 503, and live again after it', async () => {
    sim = await startExchangeSim({ seed: 5, tradesPerSecond: 10, tickerIntervalMs: TICKER_MS });
    const single = (pod = await startPodProcess({
      BINANCE_WS_URL: sim.wsUrl,
      BINANCE_REST_URL: sim.url,
      SYMBOLS: 'BTCUSDT',
    }));
    await waitForState(single, 'live', 10_000);
    const sse = await openSse(`${single.url}/v1/stream?symbols=BTCUSDT`);
    streams.push(sse);

    sim.faults.stall(STALL_MS);
    await sse.waitForEvents(
      () => statusEvents(sse).some((s) => s.state === 'degraded' && s.upstream?.connection === 'silent'),
      LEADER_NOTICES_WITHIN_MS,
    );
    const sick = await health(single);
    expect(sick.code).toBe(503);
    expect(sick.upstream).toEqual([
      expect.objectContaining({ componentId: 'binance', status: 'fail', observedValue: 'silent' }),
    ]);

    await sse.waitForEvents(() => statusEvents(sse).at(-1)?.state === 'live', STALL_MS + 3_000);
    expect((await health(single)).code).toBe(200);
    expect(sim.stats().wsConnectionsTotal).toBe(1); // the watchdog did not reconnect
  });

  it('makes the leader and a follower (Redis) degraded, /health 503 on both, and live again after it', async () => {
    cluster = await startCluster({ pods: 2, sim: { tickerIntervalMs: TICKER_MS } });
    const leader = await cluster.leader();
    const follower = cluster.pods.find((p) => p !== leader)!;
    await Promise.all([waitForState(leader, 'live', 10_000), waitForState(follower, 'live', 10_000)]);
    const sse = await openSse(`${follower.url}/v1/stream?symbols=BTCUSDT`);
    streams.push(sse);

    cluster.sim.faults.stall(STALL_MS);
    await Promise.all([
      waitForState(leader, 'degraded', LEADER_NOTICES_WITHIN_MS),
      // Up to one renew (500 ms here) and one follower attempt (250 ms) after the leader.
      waitForState(follower, 'degraded', LEADER_NOTICES_WITHIN_MS + 1_500),
    ]);
    for (const p of [leader, follower]) {
      expect((await podStatus(p)).upstream?.connection).toBe('silent');
      expect((await health(p)).code).toBe(503);
    }
    await sse.waitForEvents(
      () => statusEvents(sse).some((s) => s.state === 'degraded' && s.upstream?.connection === 'silent'),
      // The pod looks at its state once a second.
      3_000,
    );

    await Promise.all([
      waitForState(leader, 'live', STALL_MS + 3_000),
      waitForState(follower, 'live', STALL_MS + 3_000),
    ]);
    for (const p of [leader, follower]) expect((await health(p)).code).toBe(200);
  });
});
