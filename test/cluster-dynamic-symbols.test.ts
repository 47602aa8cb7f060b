/**
 * Dynamic symbols across a cluster: 1,000 SSE clients spread over 3 pods ask for 300 symbols
 * nobody configured. Every pod registers its clients' symbols in Redis; the one leader gathers
 * them (300 ms debounce) into a few batched SUBSCRIBE frames on its one connection, paced under
 * Binance's 5 messages/s (the simulator closes a connection with 1008 past it and records the
 * highest rate it saw); when the clients leave, the symbols are unsubscribed after the grace.
 */
import { openSse, waitFor, type SseConnection } from '@tickwire/testkit';
import { samplesSince, startCluster, TEST_SYMBOLS, type ClusterFixture } from './support/cluster-fixture';

const DYNAMIC = Array.from({ length: 300 }, (_, i) => `D${String(i).padStart(3, '0')}USDT`);
const CLIENTS = 1_000;
// Long enough that a loaded machine cannot delay a refresh of the returning symbol past it.
const GRACE_MS = 5_000;
const CONFIGURED_STREAMS = TEST_SYMBOLS.split(',').length * 2;

const UNSUBSCRIBE_BOUND_MS = 60_000;

jest.setTimeout(240_000);

describe('dynamic symbols across 3 pods', () => {
  let cluster: ClusterFixture | undefined;
  const clients: SseConnection[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await cluster?.stop();
    cluster = undefined;
  });

  it('subscribes what 1,000 clients want in batched frames under 5 messages/s, and unsubscribes after the grace period', async () => {
    cluster = await startCluster({
      pods: 3,
      sim: { symbols: [...TEST_SYMBOLS.split(','), ...DYNAMIC], tradesPerSecond: 1, tickerIntervalMs: 1_000 },
      env: { SYMBOL_GRACE_MS: String(GRACE_MS), BINANCE_STREAMS: 'aggTrade,ticker' },
    });
    const { sim, pods } = cluster;
    await cluster.leader();
    const startedAt = Date.now();

    // Client i streams two of the 300 symbols, from pod i mod 3: every symbol is wanted on every pod.
    const opened = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => {
        const symbols = [DYNAMIC[i % 300], DYNAMIC[(i * 7 + 1) % 300]].join(',');
        return openSse(`${pods[i % 3]!.url}/v1/stream?symbols=${symbols}`, {}, 20_000);
      }),
    );
    clients.push(...opened);
    expect(opened.every((client) => client.status === 200)).toBe(true);

    // Read incrementally: the clients gather thousands of events a second, and parsing them all
    // again at every poll would load the process that also runs the simulator.
    const seen = new Set<string>();
    const readUpTo = new Map<SseConnection, number>();
    const ticked = () => {
      for (const client of clients) {
        let next = readUpTo.get(client) ?? 0;
        for (; next < client.events.length; next += 1) {
          const event = client.events[next]!;
          if (event.event === 'tick') seen.add((JSON.parse(event.data) as { symbol: string }).symbol);
        }
        readUpTo.set(client, next);
      }
      return seen;
    };
    await waitFor(() => DYNAMIC.every((symbol) => ticked().has(symbol)), {
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'ticks for all 300 wanted symbols',
    });
    expect(sim.subscriptions()).toMatchObject(
      Object.fromEntries(DYNAMIC.map((s) => [`${s.toLowerCase()}@aggTrade`, 1])),
    );
    const stats = sim.stats();
    expect(stats.subscriptions).toBe(CONFIGURED_STREAMS + 600);
    // 600 streams in frames of at most 200: a handful of SUBSCRIBEs, not one per client or symbol.
    expect(stats.controlFramesByMethod.SUBSCRIBE ?? 0).toBeLessThanOrEqual(8);
    expect(stats.maxIncomingPerSecondSeen).toBeLessThanOrEqual(5);
    expect(stats.closed1008).toBe(0);
    // One upstream connection for the whole cluster all along.
    expect(Math.max(...samplesSince(cluster.samples, startedAt).map((s) => s.connections))).toBe(1);

    for (const client of clients.splice(0)) client.close();
    const leftAt = Date.now();
    const subscribeFrames = sim.stats().controlFramesByMethod.SUBSCRIBE ?? 0;
    const connectionsAtLeave = sim.stats().wsConnectionsTotal;
    // One client comes back at once, well within the grace period, for the first symbol.
    const returning = await openSse(`${pods[0]!.url}/v1/stream?symbols=${DYNAMIC[0]}`, {}, 20_000);
    clients.push(returning);
    // The last time the other symbols were seen still subscribed (read before asking the
    // simulator, so it is a lower bound on how long they stayed).
    let stillSubscribedAt = leftAt;
    await waitFor(
      () => {
        const readAt = Date.now();
        if (sim.stats().subscriptions === CONFIGURED_STREAMS + 2) return true;
        stillSubscribedAt = readAt;
        return false;
      },
      // Normally a grace period and a poll after the clients left. The bound is generous: the
      // 1,000 closes, the pods' refreshes and the leader's reads all wait for CPU on a machine
      // that runs other suites beside this one.
      {
        timeoutMs: UNSUBSCRIBE_BOUND_MS,
        intervalMs: 100,
        what: 'the symbols nobody wants any more to be unsubscribed',
      },
    ).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}\n${await cluster!.describe()}`, { cause: error });
    });
    // Kept for the grace period, less the third of it that may have passed since the last
    // touch before the clients left (and a poll's slack): not dropped the moment they left.
    expect(stillSubscribedAt - leftAt).toBeGreaterThanOrEqual(GRACE_MS * (2 / 3) - 500);
    // The returning client's symbol never left: still subscribed, not asked for again, and ticking.
    expect(sim.subscriptions()).toMatchObject({ [`${DYNAMIC[0]!.toLowerCase()}@aggTrade`]: 1 });
    // A new upstream connection subscribes everything again (on a starved machine a watchdog or a
    // lost lease can cause one): then the frames rise for that reason, not for the returning symbol.
    // It also drops the unwanted symbols by not subscribing them, with no UNSUBSCRIBE frame.
    await returning.waitForEvents((events) => events.some((e) => e.event === 'tick'), 5_000);
    const after = sim.stats();
    if (after.wsConnectionsTotal === connectionsAtLeave) {
      expect(after.controlFramesByMethod.SUBSCRIBE ?? 0).toBe(subscribeFrames);
      expect(after.controlFramesByMethod.UNSUBSCRIBE ?? 0).toBeGreaterThan(0);
    }
    expect(after.maxIncomingPerSecondSeen).toBeLessThanOrEqual(5);
    expect(after.closed1008).toBe(0);
  });

  it('answers 404 for a symbol the exchange does not list, without asking the exchange', async () => {
    cluster = await startCluster({ pods: 1, sim: { symbols: [...TEST_SYMBOLS.split(','), 'DOGEUSDT'] } });
    const [pod] = cluster.pods;
    await cluster.leader();
    const before = cluster.sim.stats().restRequests;
    const unknown = await fetch(`${pod!.url}/v1/prices/NOPEUSDT`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_SYMBOL');
    const stream = await fetch(`${pod!.url}/v1/stream?symbols=BTCUSDT,NOPEUSDT`);
    expect(stream.status).toBe(404);
    expect(cluster.sim.stats().restRequests).toBe(before);
    // A listed symbol nobody configured: first asked, then priced.
    await waitFor(async () => (await fetch(`${pod!.url}/v1/prices/DOGEUSDT`)).status === 200, {
      timeoutMs: 10_000,
      intervalMs: 200,
      what: 'a price for DOGEUSDT after asking for it',
    });
  });
});
