import { PriceStreamStore } from './price-stream-store';
import type { ServedTicker, ServerStreamStatus, Ticker } from './wire-types';

const STALE_AFTER_MS = 30_000;
const WANTED = new Set(['BTCUSDT', 'ETHUSDT']);

const ticker = (symbol: string, last: string): Ticker => ({
  exchange: 'binance',
  symbol,
  last,
  eventTime: 1,
  receiveTime: 1,
  source: 'ws',
});
const served = (symbol: string, last: string, stale = false): ServedTicker => ({
  ...ticker(symbol, last),
  stale,
});
const server = (state: ServerStreamStatus['state']): ServerStreamStatus => ({
  state,
  leaderId: 'pod-1',
  epoch: 1,
  upstream: { connection: 'open', breaker: 'closed' },
});
/** Lets the store's queued notification run. */
const nextTurn = () => Promise.resolve();

describe('PriceStreamStore', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000, doNotFake: ['queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  function store() {
    const created = new PriceStreamStore(STALE_AFTER_MS);
    created.setSymbols([...WANTED]);
    created.setServer(server('live'));
    created.setStatus('live');
    return created;
  }

  it('returns the same snapshot until something changes, and keeps an unchanged price the same object', () => {
    const s = store();
    s.replaceAll([served('BTCUSDT', '1'), served('ETHUSDT', '2')], WANTED);
    const first = s.getSnapshot();
    expect(s.getSnapshot()).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.prices)).toBe(true);

    s.update(ticker('ETHUSDT', '3'));
    const second = s.getSnapshot();
    expect(second).not.toBe(first);
    expect(second.prices.BTCUSDT).toBe(first.prices.BTCUSDT);
    expect(second.prices.ETHUSDT).toMatchObject({ last: '3', stale: false });
  });

  it('wakes its readers once for the changes of one turn', async () => {
    const s = store();
    await nextTurn();
    let wakes = 0;
    s.subscribe(() => (wakes += 1));
    for (let i = 0; i < 10; i++) s.update(ticker('BTCUSDT', String(i)));
    await nextTurn();
    expect(wakes).toBe(1);
  });

  it('turns a price stale by its own timer staleAfterMs after it came, and fresh again with the next tick', async () => {
    const s = store();
    s.update(ticker('BTCUSDT', '1'));
    jest.advanceTimersByTime(10_000);
    s.update(ticker('ETHUSDT', '2'));
    let wakes = 0;
    await nextTurn();
    s.subscribe(() => (wakes += 1));

    jest.advanceTimersByTime(STALE_AFTER_MS - 10_000);
    expect(s.getSnapshot().stalePairs).toEqual([]); // exactly staleAfterMs old: not yet
    jest.advanceTimersByTime(1);
    await nextTurn();
    expect(wakes).toBe(1);
    expect(s.getSnapshot().stalePairs).toEqual(['BTCUSDT']);
    expect(s.getSnapshot().prices.BTCUSDT!.stale).toBe(true);
    expect(s.isStale('BTCUSDT')).toBe(true);
    expect(s.isStale('ETHUSDT')).toBe(false);

    jest.advanceTimersByTime(10_000);
    expect(s.getSnapshot().stalePairs).toEqual(['BTCUSDT', 'ETHUSDT']);
    s.update(ticker('BTCUSDT', '3'));
    expect(s.getSnapshot().stalePairs).toEqual(['ETHUSDT']);
    // The timer runs on for the fresh one.
    jest.advanceTimersByTime(STALE_AFTER_MS + 1);
    expect(s.getSnapshot().stalePairs).toEqual(['BTCUSDT', 'ETHUSDT']);
  });

  it('makes every price stale while the pod says its prices are stale, however young', () => {
    const s = store();
    s.update(ticker('BTCUSDT', '1'));
    s.setServer(server('stale'));
    expect(s.getSnapshot().stalePairs).toEqual(['BTCUSDT']);
    s.update(ticker('ETHUSDT', '2')); // a tick while the pod says stale is stale too
    expect(s.getSnapshot().stalePairs).toEqual(['BTCUSDT', 'ETHUSDT']);
    s.setServer(server('degraded'));
    expect(s.getSnapshot().stalePairs).toEqual([]);
  });

  it('keeps a price the pod served stale stale until a tick of it comes', () => {
    const s = store();
    s.replaceAll([served('BTCUSDT', '1', true), served('ETHUSDT', '2')], WANTED);
    expect(s.getSnapshot().stalePairs).toEqual(['BTCUSDT']);
    s.update(ticker('BTCUSDT', '3'));
    expect(s.getSnapshot().stalePairs).toEqual([]);
  });

  it('replaces every price with a snapshot, and keeps only watched symbols', () => {
    const s = store();
    s.update(ticker('BTCUSDT', '1'));
    s.update(ticker('ETHUSDT', '2'));
    s.replaceAll([served('ETHUSDT', '5'), served('SOLUSDT', '7')], WANTED);
    expect(s.getSnapshot().prices).toEqual({ ETHUSDT: { ...ticker('ETHUSDT', '5'), stale: false } });
    s.setSymbols(['BTCUSDT']);
    expect(s.getSnapshot().prices).toEqual({});
    expect(s.getSnapshot().symbols).toEqual(['BTCUSDT']);
  });

  it('stops its timer and its readers on close', async () => {
    const s = store();
    s.update(ticker('BTCUSDT', '1'));
    let wakes = 0;
    s.subscribe(() => (wakes += 1));
    s.close();
    expect(jest.getTimerCount()).toBe(0);
    s.update(ticker('BTCUSDT', '2'));
    await nextTurn();
    expect(wakes).toBe(0);
  });
});
