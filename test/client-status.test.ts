/**
 * Every status a PriceStream reports, against a real pod (memory engine, a child process) and
 * the simulator: `connecting` until the pod speaks, then what the pod says as the exchange feed
 * stalls and comes back (`live`, `degraded`, `stale`, `live`), and what the client's own
 * watchdogs say when the pod stops answering (`disconnected`, `connecting`) or comes back as a
 * new process that cannot resume the stream (a fresh snapshot that replaces every price).
 */
import { PriceStream, type StreamStatus, type TickwireClientError } from '@tickwire/client';
import { freePort, startExchangeSim, waitFor, type ExchangeSim, type PodProcess } from '@tickwire/testkit';
import { loopHeldUpMs } from './support/cluster-fixture';
import { startPricedPod } from './support/priced-pod';

jest.setTimeout(60_000);

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
/** Binance pushes `@ticker` every second: three missed pushes make the pod say `degraded`. */
const TICKER_MS = 1_000;
/**
 * The pod serves prices stale this long after its last batch: well above the ~3-4 s to
 * `degraded`, so a pod held up between the two cannot skip `degraded` on its way to `stale`.
 */
const POD_STALE_AFTER_MS = 8_000;

/** Whether `expected` appears in `seen` in this order (other statuses may come between). */
function inOrder(seen: readonly StreamStatus[], expected: readonly StreamStatus[]): boolean {
  let next = 0;
  for (const status of seen) if (status === expected[next]) next += 1;
  return next === expected.length;
}

describe('PriceStream status', () => {
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;
  let stream: PriceStream | undefined;

  afterEach(async () => {
    stream?.close();
    if (pod?.process.signalCode === 'SIGSTOP') pod.process.kill('SIGCONT');
    await pod?.stop();
    await sim?.stop();
    stream = pod = sim = undefined;
  });

  async function startPod(env: Record<string, string> = {}): Promise<PodProcess> {
    sim ??= await startExchangeSim({ seed: 5, tradesPerSecond: 10, tickerIntervalMs: TICKER_MS });
    return startPricedPod(sim, SYMBOLS, env);
  }

  const statusIs = (status: StreamStatus, timeoutMs: number) =>
    waitFor(() => stream!.getSnapshot().status === status, {
      timeoutMs,
      intervalMs: 20,
      what: `status ${status}`,
    });

  it('says connecting, then what the pod says as the exchange feed stalls and resumes: live, degraded, stale, live', async () => {
    pod = await startPod({ STALE_AFTER_MS: String(POD_STALE_AFTER_MS) });
    stream = new PriceStream({ baseUrl: pod.url, symbols: SYMBOLS });
    const statuses: StreamStatus[] = [];
    stream.on('status', (status) => statuses.push(status));
    expect(stream.getSnapshot().status).toBe('connecting');

    await statusIs('live', 10_000);
    expect(Object.keys(stream.getSnapshot().prices).sort()).toEqual(SYMBOLS);
    expect(stream.getSnapshot().stalePairs).toEqual([]);

    sim!.faults.stall(0);
    await statusIs('degraded', 3 * TICKER_MS + 3_000);
    expect(stream.getSnapshot().server?.upstream?.connection).toBe('silent');
    // Degraded: the exchange connection is in trouble, the prices are still fresh.
    expect(stream.getSnapshot().stalePairs).toEqual([]);

    await statusIs('stale', POD_STALE_AFTER_MS + 3_000);
    // The pod says nothing it has is fresh: no price may pass for live, however young.
    expect(stream.getSnapshot().stalePairs).toEqual(SYMBOLS);
    expect(Object.values(stream.getSnapshot().prices).every((price) => price.stale)).toBe(true);
    expect(stream.isPriceStale('ethusdt')).toBe(true);

    sim!.faults.resume();
    await statusIs('live', 5_000);
    await waitFor(() => stream!.getSnapshot().stalePairs.length === 0, {
      timeoutMs: 5_000,
      what: 'fresh prices',
    });
    expect(inOrder(statuses, ['live', 'degraded', 'stale', 'live'])).toBe(true);
  });

  it('gives up a pod that stops answering after the heartbeat timeout, and streams again when it answers', async () => {
    pod = await startPod({ SSE_HEARTBEAT_MS: '1000' });
    const heartbeatTimeoutMs = 2_500;
    stream = new PriceStream({
      baseUrl: pod.url,
      symbols: SYMBOLS,
      heartbeatTimeoutMs,
      connectTimeoutMs: 1_500,
      reconnect: { baseDelayMs: 200, maxDelayMs: 500 },
    });
    const statuses: StreamStatus[] = [];
    const errors: TickwireClientError[] = [];
    stream.on('status', (status) => statuses.push(status));
    stream.on('error', (error) => errors.push(error));
    await statusIs('live', 10_000);
    await loopHeldUpMs(pod);
    // The pod's heartbeats keep a quiet stream alive: no trades, tickers only every second.
    sim!.setTradesPerSecond(0);

    // The pod wrote to the stream at least once a second before it froze, unless its loop was
    // held up (waiting for a CPU) just before: the silence had then begun that much earlier.
    const podHeldUpMs = await loopHeldUpMs(pod);
    const frozenAt = Date.now();
    pod.process.kill('SIGSTOP');
    const [lost] = await waitFor(() => errors.length > 0 && errors, {
      timeoutMs: heartbeatTimeoutMs + 5_000,
      what: 'the stream to be given up',
    });
    // Given up no sooner than a heartbeat period could pass in silence.
    expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(heartbeatTimeoutMs - TICKER_MS - podHeldUpMs);
    expect(lost!.code).toBe('HEARTBEAT_TIMEOUT');
    // The pod's kernel still accepts connections; the watchdog cuts the request nobody answers.
    await waitFor(() => errors.some((error) => error.code === 'CONNECT_TIMEOUT'), {
      timeoutMs: 5_000,
      what: 'a connect timeout',
    });

    pod.process.kill('SIGCONT');
    await statusIs('live', 10_000);
    expect(stream.getSnapshot().error).toBeUndefined();
    expect(
      inOrder(statuses, ['live', 'disconnected', 'connecting', 'disconnected', 'connecting', 'live']),
    ).toBe(true);
  });

  it('takes the fresh snapshot of a pod that cannot resume the stream, in place of every price', async () => {
    const port = await freePort();
    pod = await startPod({ PORT: String(port) });
    stream = new PriceStream({
      baseUrl: pod.url,
      symbols: SYMBOLS,
      reconnect: { baseDelayMs: 100, maxDelayMs: 300 },
    });
    const events: string[] = [];
    stream.on('snapshot', ({ gap, tickers }) =>
      events.push(`snapshot of ${tickers.map((t) => t.symbol).join(',')}${gap ? ' after a gap' : ''}`),
    );
    stream.on('server', (status) => events.push(status.recovered === false ? 'not recovered' : 'status'));
    const statuses: StreamStatus[] = [];
    stream.on('status', (status) => statuses.push(status));
    await statusIs('live', 10_000);
    expect(events[0]).toBe('snapshot of BTCUSDT,ETHUSDT');

    // A pod of the memory engine keeps its stream in memory: the next one never heard of its ids.
    const killedAt = Date.now();
    await pod.stop();
    await waitFor(() => statuses.includes('disconnected'), {
      timeoutMs: 5_000,
      what: 'the stream to be lost',
    });
    pod = await startPod({ PORT: String(port) });
    await statusIs('live', 10_000);

    // The pod said it could not resume, right after the snapshot that stands in for what was missed.
    // (The new pod may have had no price yet when the client came back: then its snapshot is empty.)
    const snapshots = events.filter((event) => event.startsWith('snapshot'));
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]).toMatch(/^snapshot of [A-Z,]* after a gap$/);
    expect(events[events.indexOf(snapshots[1]!) + 1]).toBe('not recovered');
    // No price is left from before: each is the new pod's, from its snapshot or a tick since.
    const everyPrice = () => Object.values(stream!.getSnapshot().prices);
    expect(everyPrice().every((price) => price.receiveTime > killedAt)).toBe(true);
    await waitFor(() => everyPrice().length === SYMBOLS.length, { timeoutMs: 5_000, what: 'both prices' });
    expect(everyPrice().every((price) => price.receiveTime > killedAt)).toBe(true);
  });
});
