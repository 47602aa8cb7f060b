import type { Price, PriceStreamSnapshot } from '@tickwire/client';
import { normalizeSymbols, selectSymbols } from './symbol-selection';

function price(symbol: string, last: string, stale = false): Price {
  return { symbol, last, stale } as Price;
}

function snapshot(
  prices: Record<string, Price>,
  status: PriceStreamSnapshot['status'] = 'live',
): PriceStreamSnapshot {
  const stalePairs = Object.values(prices)
    .filter((p) => p.stale)
    .map((p) => p.symbol)
    .sort();
  return {
    status,
    prices,
    stalePairs,
    error: undefined,
    server: undefined,
    symbols: Object.keys(prices).sort(),
  };
}

describe('selectSymbols', () => {
  const btc = price('BTCUSDT', '97000.00');
  const eth = price('ETHUSDT', '3500.00');

  it('shows only its symbols, and stays the same object while another symbol ticks', () => {
    const select = selectSymbols(['BTCUSDT']);
    const first = select(snapshot({ BTCUSDT: btc, ETHUSDT: eth }));
    expect(first.prices).toEqual({ BTCUSDT: btc });
    const afterEthTick = select(snapshot({ BTCUSDT: btc, ETHUSDT: price('ETHUSDT', '3501.00') }));
    expect(afterEthTick).toBe(first);
  });

  it('is a new object when its price, the status or the error change', () => {
    const select = selectSymbols(['BTCUSDT']);
    const first = select(snapshot({ BTCUSDT: btc }));
    const ticked = select(snapshot({ BTCUSDT: price('BTCUSDT', '97001.00') }));
    expect(ticked).not.toBe(first);
    expect(ticked.prices.BTCUSDT?.last).toBe('97001.00');
    const stale = select(snapshot({ BTCUSDT: ticked.prices.BTCUSDT! }, 'stale'));
    expect(stale).not.toBe(ticked);
    expect(stale.status).toBe('stale');
  });

  it('names its stale prices, and calls a symbol without a price stale', () => {
    const select = selectSymbols(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    const state = select(snapshot({ BTCUSDT: btc, ETHUSDT: price('ETHUSDT', '3500.00', true) }));
    expect(state.stalePairs).toEqual(['ETHUSDT']);
    expect(state.isPriceStale('btcusdt')).toBe(false);
    expect(state.isPriceStale('ETHUSDT')).toBe(true);
    expect(state.isPriceStale('SOLUSDT')).toBe(true);
  });
});

describe('normalizeSymbols', () => {
  it('names symbols as the pods do, each once, sorted', () => {
    expect(normalizeSymbols([' ethusdt', 'BTCUSDT', 'btcusdt', ''])).toEqual(['BTCUSDT', 'ETHUSDT']);
  });
});
