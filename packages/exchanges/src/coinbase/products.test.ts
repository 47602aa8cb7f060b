import { createCoinbaseAdapter } from './coinbase-adapter';
import { CoinbaseRestError } from './errors';
import { COINBASE_DEFAULT_REST_URL } from './limits';
import { coinbaseTradableSymbols, parseCoinbaseProductsText } from './products';

/** A product as the Coinbase Exchange docs show it (Get all known trading pairs). */
const BTC_USD = {
  id: 'BTC-USD',
  base_currency: 'BTC',
  quote_currency: 'USD',
  quote_increment: '0.01000000',
  base_increment: '0.00000001',
  display_name: 'BTC-USD',
  min_market_funds: '1',
  margin_enabled: false,
  post_only: false,
  limit_only: false,
  cancel_only: false,
  status: 'online',
  status_message: '',
  auction_mode: false,
  trading_disabled: false,
  fx_stablecoin: false,
  max_slippage_percentage: '0.03000000',
  high_bid_limit_percentage: '',
};

const PRODUCTS = [
  BTC_USD,
  // Order restrictions do not stop the feed: still listed.
  { ...BTC_USD, id: 'ETH-EUR', display_name: 'ETH-EUR', cancel_only: true, limit_only: true },
  // No display name: named by the currencies, else by the id.
  { ...BTC_USD, id: 'SOL-USD', display_name: '', base_currency: 'SOL', quote_currency: 'USD' },
  { id: 'XRP-USD', status: 'online' },
  { ...BTC_USD, id: 'OLD-USD', status: 'delisted', trading_disabled: true },
  { ...BTC_USD, id: 'OFF-USD', status: 'offline' },
  { ...BTC_USD, id: 'INT-USD', status: 'internal' },
  { ...BTC_USD, id: 'STOP-USD', trading_disabled: true },
  { ...BTC_USD, id: 'BTC-PERP-INTX' },
  { ...BTC_USD, id: 'btc-usdc' },
  { status: 'online' },
  { id: 'NOSTATUS-USD' },
  { id: 7, status: 'online' },
  'SOL-USD',
  null,
];

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('the Coinbase product list', () => {
  it('keeps online products that can trade, as canonical symbols with display names, and skips unreadable entries', () => {
    const listed = [
      { symbol: 'COINBASE:BTC-USD', name: 'BTC-USD' },
      { symbol: 'COINBASE:ETH-EUR', name: 'ETH-EUR' },
      { symbol: 'COINBASE:SOL-USD', name: 'SOL/USD' },
      { symbol: 'COINBASE:XRP-USD', name: 'XRP-USD' },
    ];
    expect(coinbaseTradableSymbols(PRODUCTS)).toEqual(listed);
    expect(parseCoinbaseProductsText(JSON.stringify(PRODUCTS))).toEqual(listed);
  });

  it('reads an empty array as an empty list', () => {
    expect(parseCoinbaseProductsText('[]')).toEqual([]);
  });

  it('turns a Coinbase error body into the typed API error', () => {
    const error = thrown(() => parseCoinbaseProductsText('{"message":"Internal server error"}'));
    expect(error).toBeInstanceOf(CoinbaseRestError);
    expect(error).toMatchObject({ code: 'COINBASE_API_ERROR', coinbaseMessage: 'Internal server error' });
  });

  it.each([
    ['invalid JSON', '[{"id":"BTC-USD"', /invalid JSON/],
    ['an object', '{"products":[]}', /expected a JSON array/],
    ['null', 'null', /expected a JSON array/],
    ['a string', '"BTC-USD"', /expected a JSON array/],
  ])('rejects %s as a malformed body', (_label, text, reason) => {
    const error = thrown(() => parseCoinbaseProductsText(text));
    expect(error).toMatchObject({ code: 'COINBASE_MALFORMED_REST_BODY' });
    expect((error as Error).message).toMatch(reason);
  });

  it('is offered by the adapter as one GET /products', () => {
    const list = createCoinbaseAdapter().symbolList;
    const requests = list?.requests(`${COINBASE_DEFAULT_REST_URL}/`);
    expect(requests).toEqual([
      { url: 'https://api.exchange.coinbase.com/products', headers: { Accept: 'application/json' } },
    ]);
    expect(list?.requestWeight).toBe(1);
    expect(list?.parse(requests![0]!, JSON.stringify([BTC_USD]))).toEqual([
      { symbol: 'COINBASE:BTC-USD', name: 'BTC-USD' },
    ]);
    expect(() => list?.requests('wss://ws-feed.exchange.coinbase.com')).toThrow(
      expect.objectContaining({ code: 'COINBASE_INVALID_BASE_URL' }),
    );
  });
});
