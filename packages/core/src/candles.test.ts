import { CandleAggregator } from './candles';

const MINUTE = 60_000;

describe('CandleAggregator', () => {
  it('builds OHLCV per interval from ticks, with exact decimal volume', () => {
    const candles = new CandleAggregator({ intervals: ['1m', '5m'] });
    candles.apply('BTCUSDT', '100.00', '0.1', 0);
    candles.apply('BTCUSDT', '101.50', '0.2', 10_000);
    candles.apply('BTCUSDT', '99.25', undefined, 20_000);
    candles.apply('BTCUSDT', '100.10', '0.3', MINUTE + 1);
    const oneMinute = candles.candles('BTCUSDT', '1m');
    expect(oneMinute).toEqual([
      expect.objectContaining({
        openTime: 0,
        closeTime: MINUTE - 1,
        open: '100.00',
        high: '101.50',
        low: '99.25',
        close: '99.25',
        volume: '0.3',
        ticks: 3,
      }),
      expect.objectContaining({ openTime: MINUTE, open: '100.10', close: '100.10', volume: '0.3', ticks: 1 }),
    ]);
    const fiveMinutes = candles.candles('BTCUSDT', '5m');
    expect(fiveMinutes).toEqual([
      expect.objectContaining({
        open: '100.00',
        high: '101.50',
        low: '99.25',
        close: '100.10',
        volume: '0.6',
        ticks: 4,
      }),
    ]);
  });

  it('keeps a bounded history per timeframe', () => {
    const candles = new CandleAggregator({ intervals: ['1m'], historyLimit: 3 });
    for (let minute = 0; minute < 10; minute += 1)
      candles.apply('ETHUSDT', `${minute}.0`, '1', minute * MINUTE);
    const list = candles.candles('ETHUSDT', '1m');
    expect(list.map((c) => c.open)).toEqual(['7.0', '8.0', '9.0']); // 2 closed + the open one
    expect(candles.candles('ETHUSDT', '1m', 2).map((c) => c.open)).toEqual(['8.0', '9.0']);
  });

  it('ignores late ticks for candles already closed', () => {
    const candles = new CandleAggregator({ intervals: ['1m'] });
    candles.apply('X', '1', '1', MINUTE);
    candles.apply('X', '5', '1', 1_000);
    expect(candles.candles('X', '1m')).toEqual([expect.objectContaining({ open: '1', high: '1', ticks: 1 })]);
  });

  it('returns nothing for symbols it has not seen', () => {
    expect(new CandleAggregator().candles('NONE', '1m')).toEqual([]);
  });
});

describe('CandleAggregator closes', () => {
  it('reports a candle as closed when a tick of a later interval arrives, the first one as incomplete', () => {
    const candles = new CandleAggregator({ intervals: ['1m'] });
    expect(candles.apply('X', '1', '1', 30_000)).toEqual([]);
    const first = candles.apply('X', '2', '1', MINUTE + 5);
    expect(first).toEqual([
      { candle: expect.objectContaining({ openTime: 0, close: '1' }), complete: false },
    ]);
    const second = candles.apply('X', '3', '1', 2 * MINUTE);
    expect(second).toEqual([
      { candle: expect.objectContaining({ openTime: MINUTE, open: '2' }), complete: true },
    ]);
  });

  it('closes a quiet candle once its interval ended more than the grace ago, and never reports it twice', () => {
    const candles = new CandleAggregator({ intervals: ['1m'] });
    candles.apply('X', '1', '1', 10);
    candles.apply('X', '2', '1', MINUTE + 10);
    expect(candles.closeDue(2 * MINUTE - 1 + 2_000, 2_000)).toEqual([]);
    const due = candles.closeDue(2 * MINUTE + 2_000, 2_000);
    expect(due).toEqual([
      { candle: expect.objectContaining({ openTime: MINUTE, close: '2' }), complete: true },
    ]);
    expect(candles.openCandle('X', '1m')).toBeUndefined();
    // A late tick of the closed candle is dropped; the next interval's tick opens a complete candle.
    expect(candles.apply('X', '9', '1', 2 * MINUTE - 5)).toEqual([]);
    candles.apply('X', '4', '1', 3 * MINUTE + 1);
    expect(candles.closeDue(4 * MINUTE + 2_001, 2_000)).toEqual([
      { candle: expect.objectContaining({ openTime: 3 * MINUTE, open: '4' }), complete: true },
    ]);
  });
});

describe('CandleAggregator, an asset that switches sources', () => {
  // The source's own tick is fed first, then the asset's (the leader publishes them in that order).
  const feed = (candles: CandleAggregator, source: string, price: string, qty: string, time: number) => {
    candles.apply(source, price, qty, time);
    return candles.apply('BTC-USD', price, qty, time, source);
  };

  it("never mixes two sources in one candle: a switch adopts the new source's candle of the interval", () => {
    const candles = new CandleAggregator({ intervals: ['1m'] });
    feed(candles, 'COINBASE:BTC-USD', '100', '1', 1_000);
    feed(candles, 'COINBASE:BTC-USD', '105', '1', 2_000);
    // Binance traded in the same minute while Coinbase was the asset's source.
    candles.apply('BTCUSDT', '90', '2', 1_500);
    feed(candles, 'BTCUSDT', '91', '3', 30_000);
    expect(candles.openCandle('BTC-USD', '1m')).toEqual({
      symbol: 'BTC-USD',
      interval: '1m',
      openTime: 0,
      closeTime: MINUTE - 1,
      open: '90',
      high: '91',
      low: '90',
      close: '91',
      volume: '5',
      ticks: 2,
      origin: 'BTCUSDT',
    });
    // The next minute is built from the asset's own ticks again, of its one source.
    const closed = feed(candles, 'BTCUSDT', '92', '1', MINUTE + 1);
    expect(closed).toEqual([
      { candle: expect.objectContaining({ origin: 'BTCUSDT', close: '91' }), complete: false },
    ]);
    expect(candles.openCandle('BTC-USD', '1m')).toMatchObject({ open: '92', origin: 'BTCUSDT', ticks: 1 });
  });

  it('starts the candle again from the tick when the new source has no candle of that interval', () => {
    const candles = new CandleAggregator({ intervals: ['1m'] });
    feed(candles, 'COINBASE:BTC-USD', '100', '1', 1_000);
    candles.apply('BTC-USD', '91', '3', 30_000, 'BTCUSDT');
    expect(candles.openCandle('BTC-USD', '1m')).toMatchObject({
      open: '91',
      low: '91',
      high: '91',
      ticks: 1,
      origin: 'BTCUSDT',
    });
  });
});

describe('CandleAggregator with exchange bars (Massive AM)', () => {
  const bar = (openTime: number, open: string, high: string, low: string, close: string, volume: string) => ({
    interval: '1m' as const,
    openTime,
    open,
    high,
    low,
    close,
    volume,
  });

  it('closes a minute as its bar (exact text), built live from trades until the bar comes', () => {
    const candles = new CandleAggregator({ intervals: ['1m', '5m'] });
    // Minute 0 is the series' first (incomplete); its bar makes the symbol bar-fed.
    candles.apply('MASSIVE:AAPL', '10', '1', 1_000);
    expect(candles.applyBar('MASSIVE:AAPL', bar(0, '9.5', '10.25', '9.5', '10', '300'))).toEqual([
      { candle: expect.objectContaining({ openTime: 0, open: '9.5', volume: '300' }), complete: true },
    ]);
    // Minute 1 from trades, then a trade of minute 2: minute 1 ends but waits for its bar.
    candles.apply('MASSIVE:AAPL', '11', '2', MINUTE + 1_000);
    candles.apply('MASSIVE:AAPL', '12', '3', MINUTE + 2_000);
    expect(candles.openCandle('MASSIVE:AAPL', '1m')).toMatchObject({ open: '11', close: '12', volume: '5' });
    expect(candles.apply('MASSIVE:AAPL', '13', '4', 2 * MINUTE + 500)).toEqual([]);
    expect(candles.closeDue(2 * MINUTE + 10_000, 2_000, 60_000)).toEqual([]);
    const closed = candles.applyBar('MASSIVE:AAPL', bar(MINUTE, '11', '12.5', '10.75', '12', '700'));
    expect(closed).toEqual([
      {
        candle: {
          symbol: 'MASSIVE:AAPL',
          interval: '1m',
          openTime: MINUTE,
          closeTime: 2 * MINUTE - 1,
          open: '11',
          high: '12.5',
          low: '10.75',
          close: '12',
          volume: '700',
          ticks: 2,
        },
        complete: true,
      },
    ]);
    // The open minute 2 is still the live one from trades; a late trade of minute 1 is dropped.
    candles.apply('MASSIVE:AAPL', '99', '1', MINUTE + 59_000);
    expect(candles.openCandle('MASSIVE:AAPL', '1m')).toMatchObject({ openTime: 2 * MINUTE, open: '13' });
  });

  it('folds the closed bars into the longer intervals, which close with their last minute', () => {
    const candles = new CandleAggregator({ intervals: ['1m', '5m'] });
    const closed = [
      candles.applyBar('MASSIVE:AAPL', bar(4 * MINUTE, '1', '1', '1', '1', '1')),
      candles.applyBar('MASSIVE:AAPL', bar(5 * MINUTE, '10', '11', '9', '10.5', '100')),
      candles.applyBar('MASSIVE:AAPL', bar(7 * MINUTE, '10.5', '12', '10', '11', '50')),
      candles.applyBar('MASSIVE:AAPL', bar(9 * MINUTE, '11', '11.5', '8.25', '9', '25')),
    ].flat();
    expect(closed.filter(({ candle }) => candle.interval === '5m')).toEqual([
      { candle: expect.objectContaining({ openTime: 0, open: '1', volume: '1' }), complete: false },
      {
        candle: expect.objectContaining({
          openTime: 5 * MINUTE,
          closeTime: 10 * MINUTE - 1,
          open: '10',
          high: '12',
          low: '8.25',
          close: '9',
          volume: '175',
        }),
        complete: true,
      },
    ]);
  });

  it('closes a minute as built from trades when its bar does not come within the wait', () => {
    const candles = new CandleAggregator({ intervals: ['1m'] });
    candles.applyBar('MASSIVE:AAPL', bar(0, '1', '1', '1', '1', '1'));
    candles.apply('MASSIVE:AAPL', '5', '2', MINUTE + 1);
    expect(candles.closeDue(2 * MINUTE + 2_000 + 59_000, 2_000, 60_000)).toEqual([]);
    expect(candles.closeDue(2 * MINUTE + 2_000 + 60_001, 2_000, 60_000)).toEqual([
      { candle: expect.objectContaining({ openTime: MINUTE, open: '5', volume: '2' }), complete: true },
    ]);
  });
});
