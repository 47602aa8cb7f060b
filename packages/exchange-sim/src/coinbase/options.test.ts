import { SimOptionsError } from '../options';
import { DEFAULT_COINBASE_SIM_OPTIONS, resolveCoinbaseSimOptions } from './options';

describe('Coinbase simulator options', () => {
  it('merges over the exported defaults, undefined meaning "the default"', () => {
    const resolved = resolveCoinbaseSimOptions({ tradesPerSecond: 2, subscribeDeadlineMs: undefined });
    expect(resolved.tradesPerSecond).toBe(2);
    expect(resolved.subscribeDeadlineMs).toBe(DEFAULT_COINBASE_SIM_OPTIONS.subscribeDeadlineMs);
    expect(resolved.products.map((p) => p.id)).toEqual(DEFAULT_COINBASE_SIM_OPTIONS.products);
  });

  it('reports every invalid option at once, naming what to change', () => {
    expect(() =>
      resolveCoinbaseSimOptions({
        products: ['btc-usd', 'ETH-USD'],
        heartbeatIntervalMs: 0,
        heartbeatLastTradeId: 'sometimes' as never,
      }),
    ).toThrow(
      new SimOptionsError(
        [
          'products: "btc-usd" is not product ids such as "BTC-USD" (uppercase BASE-QUOTE)',
          'heartbeatIntervalMs must be an integer in [1, 2147483647], got 0',
          "heartbeatLastTradeId must be one of 'zero', 'last-trade', got \"sometimes\"",
        ],
        'coinbase-sim',
      ),
    );
  });
});
