/**
 * The contract every engine passes (STYLE rule 5): the memory engine runs it in its unit
 * tests, the Redis engine against a real Redis. Call inside a `describe`.
 */
import type { Ticker } from '@tickwire/core';
import type { Engine, TickBatch } from './engine';

export interface EngineHarness {
  /** A fresh, isolated engine (its own namespace on a shared Redis). */
  create(instanceId: string): Promise<Engine>;
  /** Releases whatever `create` made. */
  cleanup?(): Promise<void>;
}

const ticker = (symbol: string, last: string, n: number): Ticker => ({
  exchange: 'binance',
  symbol,
  last,
  eventTime: 1_700_000_000_000 + n,
  receiveTime: 1_700_000_000_000 + n,
  source: 'ws',
});

async function collect(engine: Engine, count: number, timeoutMs = 5_000): Promise<TickBatch[]> {
  const batches: TickBatch[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`received ${batches.length} of ${count} batches within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = engine.distribution.onBatch((batch) => {
      batches.push(batch);
      if (batches.length === count) {
        clearTimeout(timer);
        off();
        resolve(batches);
      }
    });
  });
}

export function engineContract(harness: EngineHarness): void {
  let engine: Engine;

  beforeEach(async () => {
    engine = await harness.create('pod-a');
    await engine.distribution.start();
    await engine.election.start();
  });

  afterEach(async () => {
    await engine.election.stop();
    await engine.distribution.stop();
    await engine.close();
    await harness.cleanup?.();
  });

  it('elects the only pod as leader with a positive epoch', async () => {
    const deadline = Date.now() + 5_000;
    while (engine.election.state().role !== 'leader' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const state = engine.election.state();
    expect(state).toMatchObject({ role: 'leader', instanceId: 'pod-a', leaderId: 'pod-a' });
    expect(state.epoch).toBeGreaterThan(0);
  });

  it('delivers published batches in order with increasing ids, and keeps the latest per symbol', async () => {
    const received = collect(engine, 3);
    const ids = [
      await engine.distribution.publish([ticker('BTCUSDT', '1.00', 1)]),
      await engine.distribution.publish([ticker('ETHUSDT', '2.00', 2), ticker('BTCUSDT', '1.10', 3)]),
      await engine.distribution.publish([ticker('BTCUSDT', '0.10000000', 4)]),
    ];
    const batches = await received;
    expect(batches.map((b) => b.id)).toEqual(ids);
    expect(batches[1]!.tickers.map((t) => t.last)).toEqual(['2.00', '1.10']);
    const snapshot = await engine.distribution.snapshot();
    const bySymbol = Object.fromEntries(snapshot.map((t) => [t.symbol, t.last]));
    expect(bySymbol).toEqual({ BTCUSDT: '0.10000000', ETHUSDT: '2.00' });
  });

  it('replays exactly the batches after a retained id, and refuses ids it cannot vouch for', async () => {
    const first = await engine.distribution.publish([ticker('BTCUSDT', '1', 1)]);
    const second = await engine.distribution.publish([ticker('BTCUSDT', '2', 2)]);
    const third = await engine.distribution.publish([ticker('BTCUSDT', '3', 3)]);
    const replay = await engine.distribution.replaySince(first);
    expect(replay).toEqual({
      recovered: true,
      batches: [expect.objectContaining({ id: second }), expect.objectContaining({ id: third })],
    });
    expect(await engine.distribution.replaySince(third)).toEqual({ recovered: true, batches: [] });
    expect(await engine.distribution.replaySince('not-an-id')).toEqual({ recovered: false });
    expect(await engine.distribution.replaySince('1-0')).toEqual({ recovered: false });
  });
}
