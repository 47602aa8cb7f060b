/**
 * Candle history is a property of the cluster, not of a pod: after every pod of a Redis
 * cluster restarted, `/v1/candles` answers the same closed candles, and the new pods do not
 * fetch again what the old ones backfilled.
 */
import { parsePrometheusText, sampleValue, waitFor } from '@tickwire/testkit';
import { startCluster, type ClusterFixture } from './support/cluster-fixture';

jest.setTimeout(60_000);

interface Candle {
  openTime: number;
  closeTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

interface CandlesBody {
  backfill: string;
  candles: Candle[];
}

const PATH = '/v1/candles/BTCUSDT?interval=1m';

async function candles(url: string): Promise<CandlesBody> {
  const response = await fetch(`${url}${PATH}`, { signal: AbortSignal.timeout(2_000) });
  expect(response.status).toBe(200);
  return (await response.json()) as CandlesBody;
}

/**
 * Every candle of `closed` still inside the window `served` answers is there unchanged, and at most
 * `scrolledOut` left the window (one per minute that closed since `closed` was read).
 */
function expectKept(served: CandlesBody, closed: Candle[], scrolledOut: number): void {
  const byOpenTime = new Map(served.candles.map((candle) => [candle.openTime, candle]));
  const kept = closed.filter((candle) => candle.openTime >= served.candles[0]!.openTime);
  expect(kept.length).toBeGreaterThanOrEqual(closed.length - scrolledOut);
  for (const candle of kept) expect(byOpenTime.get(candle.openTime)).toEqual(candle);
}

async function backfillRequests(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
  return sampleValue(parsePrometheusText(text), 'tickwire_rest_requests_total', {
    caller: 'candle-backfill',
  });
}

describe('candle history across a restart of every pod', () => {
  let cluster: ClusterFixture | undefined;

  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('serves the same closed candles after every pod restarted, without fetching them again', async () => {
    cluster = await startCluster({ pods: 2, env: { CANDLE_HISTORY: '100' } });
    const leader = await cluster.leader();
    const follower = cluster.pods.find((pod) => pod !== leader)!;
    // A follower asks: it registers the need, and the leader backfills.
    expect((await candles(follower.url)).backfill).toBe('pending');
    let before: CandlesBody | undefined;
    await waitFor(async () => (before = await candles(follower.url)).backfill === 'complete', {
      timeoutMs: 15_000,
      what: 'the backfill to complete',
    });
    const closedBefore = before!.candles.filter((candle) => candle.closeTime < Date.now() - 5_000);
    expect(closedBefore.length).toBeGreaterThanOrEqual(90);
    // Both pods serve the same closed candles (matched by open time: a minute may close between reads).
    expectKept(await candles(leader.url), closedBefore, 1);

    for (const pod of cluster.pods.splice(0)) {
      pod.kill('SIGTERM');
      await pod.exited(10_000);
    }
    const fresh = await Promise.all([cluster.addPod(), cluster.addPod()]);
    await cluster.leader();

    // Every candle closed before the restart is still there, unchanged (the oldest may have
    // scrolled out of the window only if minutes passed: CANDLE_HISTORY keeps 100).
    for (const pod of fresh) expectKept(await candles(pod.url), closedBefore, 2);
    // At most the minutes that closed during the restart are fetched: one request, never the range again.
    await waitFor(async () => (await candles(fresh[0].url)).backfill === 'complete', {
      timeoutMs: 15_000,
      what: 'the history to be whole again',
    });
    const requests = (await Promise.all(fresh.map((pod) => backfillRequests(pod.url)))).reduce(
      (a, b) => a + b,
      0,
    );
    expect(requests).toBeLessThanOrEqual(1);
  });
});
