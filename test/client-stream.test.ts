/**
 * PriceStream against a real pod (memory engine, a child process) and the simulator: a symbol
 * the exchange stops sending turns stale on time while the others stay live; a pod at its
 * stream limit (503 + Retry-After) is retried no sooner than it asks; fifty readers of a symbol
 * share one connection, and a change of symbols reopens it once.
 */
import { PriceStream, type TickwireClientError } from '@tickwire/client';
import {
  openSse,
  startExchangeSim,
  waitFor,
  watchEventLoopStalls,
  type ExchangeSim,
  type PodProcess,
  type SseConnection,
} from '@tickwire/testkit';
import { requestsServed, startPricedPod } from './support/priced-pod';

jest.setTimeout(60_000);

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];

describe('PriceStream against a pod', () => {
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;
  let stream: PriceStream | undefined;
  let holder: SseConnection | undefined;

  afterEach(async () => {
    stream?.close();
    holder?.close();
    await pod?.stop();
    await sim?.stop();
    stream = pod = sim = holder = undefined;
  });

  async function startPod(env: Record<string, string> = {}): Promise<PodProcess> {
    sim = await startExchangeSim({ seed: 9, tradesPerSecond: 10, tickerIntervalMs: 250 });
    return startPricedPod(sim, SYMBOLS, env);
  }

  const streamRequests = (status: number) => requestsServed(pod!, '/v1/stream', status);

  it('marks a symbol stale once nothing came for it for staleAfterMs, and live again with its next tick', async () => {
    pod = await startPod();
    // Far above the gaps between ETHUSDT's ticks, even with this process held up for a while.
    const staleAfterMs = 3_000;
    stream = new PriceStream({ baseUrl: pod.url, symbols: ['BTCUSDT', 'ETHUSDT'], staleAfterMs });
    const lastTickAt = new Map<string, number>();
    stream.on('tick', ({ ticker }) => lastTickAt.set(ticker.symbol, performance.now()));
    let staleSeenAt: number | undefined;
    stream.subscribe(() => {
      if (staleSeenAt === undefined && stream!.getSnapshot().stalePairs.includes('BTCUSDT'))
        staleSeenAt = performance.now();
    });
    await waitFor(() => stream!.getSnapshot().status === 'live' && lastTickAt.size === 2, {
      timeoutMs: 10_000,
      what: 'ticks of both symbols',
    });

    // The client's timer runs no more punctually than this process's loop.
    const stalls = watchEventLoopStalls();
    sim!.faults.silenceSymbol('BTCUSDT', true);
    try {
      await waitFor(() => staleSeenAt, { timeoutMs: staleAfterMs + 5_000, what: 'BTCUSDT to turn stale' });
    } finally {
      stalls.stop();
    }
    const snapshot = stream.getSnapshot();
    expect(snapshot.stalePairs).toEqual(['BTCUSDT']);
    expect(snapshot.prices.BTCUSDT!.stale).toBe(true);
    expect(snapshot.prices.ETHUSDT!.stale).toBe(false);
    expect(stream.isPriceStale('BTCUSDT')).toBe(true);
    expect(stream.isPriceStale('ethusdt')).toBe(false);
    expect(snapshot.status).toBe('live'); // the pod's other prices flow: only this one is stale
    // Stale when its last tick got too old, by the client's own timer (the ticks that keep coming are
    // ETHUSDT's): not before, nor much later.
    const age = staleSeenAt! - lastTickAt.get('BTCUSDT')!;
    expect(age).toBeGreaterThanOrEqual(staleAfterMs);
    expect(age).toBeLessThan(staleAfterMs + 1_000 + stalls.stalledMs());

    sim!.faults.silenceSymbol('BTCUSDT', false);
    await waitFor(() => stream!.getSnapshot().stalePairs.length === 0, {
      timeoutMs: 5_000,
      what: 'BTCUSDT live',
    });
    expect(stream.getSnapshot().prices.BTCUSDT!.stale).toBe(false);
  });

  it('retries a pod at its stream limit (503) no sooner than its Retry-After, then streams', async () => {
    pod = await startPod({ SSE_MAX_CLIENTS: '1' });
    holder = await openSse(`${pod.url}/v1/stream?symbols=BTCUSDT`);
    // A backoff this short would retry within 100 ms: only Retry-After (1-5 s) makes it wait longer.
    stream = new PriceStream({
      baseUrl: pod.url,
      symbols: ['BTCUSDT'],
      reconnect: { baseDelayMs: 50, maxDelayMs: 100 },
    });
    const refusals: { at: number; error: TickwireClientError }[] = [];
    stream.on('error', (error) => refusals.push({ at: performance.now(), error }));
    const stalls = watchEventLoopStalls();
    try {
      await waitFor(() => refusals.length >= 3, { timeoutMs: 20_000, what: 'three refusals' });
    } finally {
      stalls.stop();
    }
    expect(stream.getSnapshot().status).not.toBe('live');
    for (const { error } of refusals) {
      expect(error).toMatchObject({ code: 'TOO_MANY_STREAMS', status: 503 });
      expect(error.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    }
    for (let i = 1; i < refusals.length; i++) {
      // performance.now() and the event loop's timer clock may differ by a millisecond, and a
      // timer counts from the loop's time cached when its turn began: a turn held up (this process
      // waiting for a CPU) before the refusal was handled makes the wait look that much shorter.
      expect(refusals[i]!.at - refusals[i - 1]!.at).toBeGreaterThanOrEqual(
        refusals[i - 1]!.error.retryAfterMs! - 1 - stalls.stalledMs(),
      );
    }
    expect(stream.getSnapshot().error?.code).toBe('TOO_MANY_STREAMS');

    holder.close();
    await waitFor(() => stream!.getSnapshot().status === 'live', {
      timeoutMs: 10_000,
      what: 'the stream to open',
    });
    expect(stream.getSnapshot().error).toBeUndefined();
    // Every attempt the client made is one the pod counted: it asked no more often than the errors show.
    expect(await streamRequests(503)).toBe(refusals.length);
  });

  it('shares one connection among fifty readers, and reopens it once for the symbol changes of a debounce period', async () => {
    pod = await startPod();
    // Far above the 200 ms the changes below span, even with this process held up meanwhile.
    stream = new PriceStream({ baseUrl: pod.url, symbolsDebounceMs: 2_500 });
    const readers = Array.from({ length: 50 }, () => stream!.watch(['btcusdt']));
    await waitFor(() => stream!.getSnapshot().status === 'live' && stream!.getSnapshot().prices.BTCUSDT, {
      timeoutMs: 10_000,
      what: 'BTCUSDT live',
    });
    expect(await streamRequests(200)).toBe(1);
    expect(stream.getSnapshot().symbols).toEqual(['BTCUSDT']);

    // 49 of the 50 go: the symbol stays, and so does the connection.
    for (const release of readers.slice(1)) release();
    expect(stream.getSnapshot().symbols).toEqual(['BTCUSDT']);
    // Within the debounce, 100 ms apart (time enough for a reopen each, were they not gathered): two
    // readers of other symbols come, the last BTCUSDT reader goes.
    const later = () => new Promise((resolve) => setTimeout(resolve, 100));
    const others = [stream.watch(['ETHUSDT'])];
    await later();
    others.push(stream.watch(['SOLUSDT', 'ETHUSDT']));
    await later();
    readers[0]!();
    expect(stream.getSnapshot().symbols).toEqual(['ETHUSDT', 'SOLUSDT']);
    expect(stream.getSnapshot().prices.BTCUSDT).toBeUndefined(); // gone at once, not after the reopen
    await waitFor(
      () => {
        const { prices, status } = stream!.getSnapshot();
        return status === 'live' && prices.ETHUSDT && prices.SOLUSDT;
      },
      { timeoutMs: 10_000, what: 'ETHUSDT and SOLUSDT live' },
    );
    expect(await streamRequests(200)).toBe(2);
    expect(Object.keys(stream.getSnapshot().prices).sort()).toEqual(['ETHUSDT', 'SOLUSDT']);

    // The last reader of a symbol leaves: its price goes; one that still has a reader stays.
    others[1]!();
    expect(stream.getSnapshot().symbols).toEqual(['ETHUSDT']);
    await waitFor(async () => (await streamRequests(200)) === 3, { timeoutMs: 10_000, what: 'the reopen' });
    others[0]!();
    expect(stream.getSnapshot().symbols).toEqual([]);
    await waitFor(() => stream!.getSnapshot().status === 'disconnected', {
      timeoutMs: 10_000,
      what: 'no stream',
    });
    expect(await streamRequests(200)).toBe(3);
  });
});
