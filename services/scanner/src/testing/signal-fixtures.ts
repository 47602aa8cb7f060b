/** Signals for tests: valid, distinct, and as large as a test needs. */
import type { Signal } from '../signals/signal';

export function testSignal(n: number, overrides: Partial<Signal> = {}): Signal {
  const candleOpenTime = Date.UTC(2026, 0, 1) + n * 60_000;
  return {
    id: `strategy-1:BTCUSDT:1m:${candleOpenTime}`,
    ownerId: 'owner-1',
    strategyId: 'strategy-1',
    strategyName: 'RSI oversold',
    symbol: 'BTCUSDT',
    interval: '1m',
    candleOpenTime,
    candleClosed: true,
    close: '64012.55',
    facts: [{ type: 'rsi', met: true, values: { rsi: 27.4, below: 30 } }],
    detectedAt: candleOpenTime + 60_000,
    ...overrides,
  };
}
