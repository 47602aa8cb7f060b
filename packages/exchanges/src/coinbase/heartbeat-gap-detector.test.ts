import type { HeartbeatMessage } from '../feed-message';
import { CoinbaseHeartbeatGapDetector } from './heartbeat-gap-detector';
import { parseCoinbaseMessage } from './parse-message';

const T0 = Date.UTC(2020, 4, 12, 5, 20, 6, 782);

function beat(symbol: string, sequence: number, time?: number, lastTradeId?: number): HeartbeatMessage {
  return {
    type: 'heartbeat',
    symbol,
    sequence,
    ...(time === undefined ? {} : { time }),
    ...(lastTradeId === undefined ? {} : { lastTradeId }),
  };
}

describe('CoinbaseHeartbeatGapDetector', () => {
  it('accepts the large sequence jumps of a busy product, one heartbeat a second apart', () => {
    // Recorded BTC-USD heartbeats (go-coinbasepro#89): sequence jumps by 150-600 each second.
    const detector = new CoinbaseHeartbeatGapDetector();
    const recorded = [
      '{"type":"heartbeat","last_trade_id":0,"product_id":"BTC-USD","sequence":14011426656,"time":"2020-05-12T05:20:06.782635Z"}',
      '{"type":"heartbeat","last_trade_id":0,"product_id":"BTC-USD","sequence":14011426829,"time":"2020-05-12T05:20:07.782685Z"}',
      '{"type":"heartbeat","last_trade_id":0,"product_id":"BTC-USD","sequence":14011427058,"time":"2020-05-12T05:20:08.782611Z"}',
      '{"type":"heartbeat","last_trade_id":0,"product_id":"BTC-USD","sequence":14011428462,"time":"2020-05-12T05:20:09.782732Z"}',
    ];
    for (const text of recorded) {
      const message = parseCoinbaseMessage(text, 0);
      if (message.type !== 'heartbeat')
        throw new Error(`expected a heartbeat, got ${JSON.stringify(message)}`);
      expect(detector.observe(message)).toBeUndefined();
    }
  });

  it('accepts an unchanged sequence: a quiet product', () => {
    const detector = new CoinbaseHeartbeatGapDetector();
    detector.observe(beat('COINBASE:SKL-GBP', 500, T0));
    expect(detector.observe(beat('COINBASE:SKL-GBP', 500, T0 + 1_000))).toBeUndefined();
  });

  it('reports lost heartbeats for the product whose heartbeats are too far apart', () => {
    const detector = new CoinbaseHeartbeatGapDetector();
    detector.observe(beat('COINBASE:BTC-USD', 100, T0));
    detector.observe(beat('COINBASE:ETH-USD', 7, T0));
    expect(detector.observe(beat('COINBASE:ETH-USD', 9, T0 + 1_000))).toBeUndefined();
    expect(detector.observe(beat('COINBASE:BTC-USD', 900, T0 + 4_000))).toEqual({
      symbol: 'COINBASE:BTC-USD',
      reason: 'missed-heartbeats',
      previousSequence: 100,
      sequence: 900,
      previousTime: T0,
      time: T0 + 4_000,
      missedHeartbeats: 3,
    });
  });

  it('catches a single lost heartbeat but not the jitter of the exchange stamps', () => {
    const detector = new CoinbaseHeartbeatGapDetector();
    detector.observe(beat('COINBASE:BTC-USD', 1, T0));
    expect(detector.observe(beat('COINBASE:BTC-USD', 2, T0 + 1_400))).toBeUndefined();
    expect(detector.observe(beat('COINBASE:BTC-USD', 3, T0 + 3_400))).toMatchObject({
      reason: 'missed-heartbeats',
      missedHeartbeats: 1,
    });
  });

  it('reports a sequence that goes back', () => {
    const detector = new CoinbaseHeartbeatGapDetector();
    detector.observe(beat('COINBASE:BTC-USD', 1_000, T0));
    expect(detector.observe(beat('COINBASE:BTC-USD', 999, T0 + 1_000))).toMatchObject({
      symbol: 'COINBASE:BTC-USD',
      reason: 'sequence-went-back',
      previousSequence: 1_000,
      sequence: 999,
    });
  });

  it('reports a non-zero last trade id that goes back, and ignores the zeros Coinbase often sends', () => {
    const detector = new CoinbaseHeartbeatGapDetector();
    detector.observe(beat('COINBASE:BTC-USD', 1, T0, 50));
    expect(detector.observe(beat('COINBASE:BTC-USD', 2, T0 + 1_000, 0))).toBeUndefined();
    expect(detector.observe(beat('COINBASE:BTC-USD', 3, T0 + 2_000, 60))).toBeUndefined();
    expect(detector.observe(beat('COINBASE:BTC-USD', 4, T0 + 3_000, 55))).toMatchObject({
      reason: 'trade-id-went-back',
    });
  });

  it('compares a trade id with the last non-zero one, across heartbeats that carry 0', () => {
    const detector = new CoinbaseHeartbeatGapDetector();
    detector.observe(beat('COINBASE:BTC-USD', 1, T0, 50));
    detector.observe(beat('COINBASE:BTC-USD', 2, T0 + 1_000, 0));
    expect(detector.observe(beat('COINBASE:BTC-USD', 3, T0 + 2_000, 45))).toMatchObject({
      reason: 'trade-id-went-back',
    });
  });

  it('checks only the sequence when heartbeats carry no time', () => {
    const detector = new CoinbaseHeartbeatGapDetector();
    detector.observe(beat('COINBASE:BTC-USD', 5));
    expect(detector.observe(beat('COINBASE:BTC-USD', 6))).toBeUndefined();
    expect(detector.observe(beat('COINBASE:BTC-USD', 4))).toMatchObject({ reason: 'sequence-went-back' });
  });

  it('compares each heartbeat with the previous one, so a gap is reported once', () => {
    const detector = new CoinbaseHeartbeatGapDetector();
    detector.observe(beat('COINBASE:BTC-USD', 1, T0));
    expect(detector.observe(beat('COINBASE:BTC-USD', 9, T0 + 5_000))).toBeDefined();
    expect(detector.observe(beat('COINBASE:BTC-USD', 10, T0 + 6_000))).toBeUndefined();
  });

  it('starts afresh after reset (a new connection) and after forgetting a product', () => {
    const detector = new CoinbaseHeartbeatGapDetector();
    detector.observe(beat('COINBASE:BTC-USD', 100, T0));
    detector.observe(beat('COINBASE:ETH-USD', 100, T0));
    detector.forget('COINBASE:BTC-USD');
    expect(detector.symbols()).toEqual(['COINBASE:ETH-USD']);
    expect(detector.observe(beat('COINBASE:BTC-USD', 1, T0 + 60_000))).toBeUndefined();
    detector.reset();
    expect(detector.symbols()).toEqual([]);
    expect(detector.observe(beat('COINBASE:ETH-USD', 1, T0 + 60_000))).toBeUndefined();
  });

  it('ignores heartbeats without a product, such as Finnhub pings', () => {
    const detector = new CoinbaseHeartbeatGapDetector();
    expect(detector.observe({ type: 'heartbeat' })).toBeUndefined();
    expect(detector.symbols()).toEqual([]);
  });

  it('takes a custom threshold, but not one at or below the heartbeat interval', () => {
    const detector = new CoinbaseHeartbeatGapDetector({ maxHeartbeatGapMs: 5_000 });
    detector.observe(beat('COINBASE:BTC-USD', 1, T0));
    expect(detector.observe(beat('COINBASE:BTC-USD', 2, T0 + 4_000))).toBeUndefined();
    expect(() => new CoinbaseHeartbeatGapDetector({ maxHeartbeatGapMs: 1_000 })).toThrow(RangeError);
  });
});
