import { SymbolMarket } from './market-state';
import { resolveSymbolSpec } from './symbol-catalog';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

function market(symbol: string, seed = 1): SymbolMarket {
  const spec = resolveSymbolSpec(symbol);
  if (!spec) throw new Error(symbol);
  return new SymbolMarket(spec, seed, NOW, 5);
}

describe('symbol market', () => {
  it('walks in whole ticks, deterministically per seed', () => {
    const a = market('DOGEUSDT');
    const b = market('DOGEUSDT');
    const pathA = Array.from({ length: 200 }, (_, i) => a.trade(NOW + i).priceTicks);
    const pathB = Array.from({ length: 200 }, (_, i) => b.trade(NOW + i).priceTicks);
    expect(pathA).toEqual(pathB);
    expect(pathA.every((t) => Number.isInteger(t) && t > 0)).toBe(true);
    expect(new Set(pathA).size).toBeGreaterThan(1);
    const other = market('DOGEUSDT', 2);
    expect(Array.from({ length: 200 }, (_, i) => other.trade(NOW + i).priceTicks)).not.toEqual(pathA);
  });

  it('keeps the 24 h statistics consistent with the trades', () => {
    const m = market('BTCUSDT');
    const before = m.snapshot(NOW).stats;
    expect(before.count).toBe(before.lastId - before.firstId + 1);
    const trade = m.trade(NOW + 10);
    const after = m.snapshot(NOW + 10).stats;
    expect(after.count).toBe(before.count + 1);
    expect(after.lastId).toBe(trade.id);
    expect(after.volume).toBe(before.volume + trade.qty);
    expect(after.highTicks).toBeGreaterThanOrEqual(trade.priceTicks);
    expect(after.lowTicks).toBeLessThanOrEqual(trade.priceTicks);
  });

  it('evicts whole minutes that leave the window and moves the previous close with them', () => {
    const m = market('ETHUSDT');
    const start = m.snapshot(NOW).stats;
    const later = m.snapshot(NOW + 10 * 60_000).stats;
    expect(later.firstId).toBeGreaterThan(start.firstId);
    expect(later.count).toBeLessThan(start.count);
    expect(later.count).toBe(later.lastId - later.firstId + 1);
    expect(later.prevCloseTicks).not.toBe(start.prevCloseTicks);
  });
});
