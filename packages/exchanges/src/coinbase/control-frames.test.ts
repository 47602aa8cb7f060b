import { coinbaseControlFrames, coinbaseSubscribeFrames, coinbaseUnsubscribeFrames } from './control-frames';
import { CoinbaseConfigError } from './errors';
import { coinbaseStreamName, parseCoinbaseStreamName } from './streams';
import { coinbaseFeedUrl, coinbaseProductTickerUrl } from './urls';

describe('Coinbase stream names', () => {
  it('name one product on one channel and read it back', () => {
    expect(coinbaseStreamName('ticker', 'BTC-USD')).toBe('ticker:BTC-USD');
    expect(parseCoinbaseStreamName('heartbeat:ETH-EUR')).toEqual({
      channel: 'heartbeat',
      productId: 'ETH-EUR',
    });
    expect(parseCoinbaseStreamName('level2:SKL-USD')).toEqual({ channel: 'level2', productId: 'SKL-USD' });
  });

  it('refuse unknown channels and bad product ids', () => {
    expect(() => coinbaseStreamName('level2' as 'ticker', 'BTC-USD')).toThrow(/unknown Coinbase channel/);
    expect(() => coinbaseStreamName('ticker', 'btc-usd')).toThrow(CoinbaseConfigError);
    for (const stream of ['ticker', ':BTC-USD', 'ticker:BTCUSD', 'ticker:']) {
      expect(parseCoinbaseStreamName(stream)).toBeUndefined();
    }
  });
});

describe('Coinbase control frames', () => {
  it('use the compact form when every channel covers the same products', () => {
    expect(
      coinbaseSubscribeFrames(['ticker:BTC-USD', 'heartbeat:BTC-USD', 'ticker:ETH-USD', 'heartbeat:ETH-USD']),
    ).toEqual(['{"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channels":["ticker","heartbeat"]}']);
  });

  it('give each channel its own products otherwise', () => {
    expect(coinbaseUnsubscribeFrames(['ticker:BTC-USD', 'ticker:ETH-USD', 'heartbeat:BTC-USD'])).toEqual([
      '{"type":"unsubscribe","channels":[{"name":"ticker","product_ids":["BTC-USD","ETH-USD"]},{"name":"heartbeat","product_ids":["BTC-USD"]}]}',
    ]);
  });

  it('send each stream once, chunked, and nothing for no streams', () => {
    const streams = ['ticker:A-USD', 'ticker:B-USD', 'ticker:C-USD', 'ticker:A-USD'];
    expect(coinbaseControlFrames('subscribe', streams, 2)).toEqual([
      '{"type":"subscribe","product_ids":["A-USD","B-USD"],"channels":["ticker"]}',
      '{"type":"subscribe","product_ids":["C-USD"],"channels":["ticker"]}',
    ]);
    expect(coinbaseSubscribeFrames([])).toEqual([]);
    expect(() => coinbaseControlFrames('subscribe', streams, 0)).toThrow(RangeError);
  });

  it('refuse stream names it did not build', () => {
    expect(() => coinbaseSubscribeFrames(['BTC-USD'])).toThrow(/build it with coinbaseStreamName/);
  });
});

describe('Coinbase URLs', () => {
  it('connect to the feed itself, and ask REST for one product ticker', () => {
    expect(coinbaseFeedUrl('wss://ws-feed.exchange.coinbase.com/')).toBe(
      'wss://ws-feed.exchange.coinbase.com',
    );
    expect(coinbaseProductTickerUrl('https://api.exchange.coinbase.com', 'BTC-USD')).toBe(
      'https://api.exchange.coinbase.com/products/BTC-USD/ticker',
    );
  });

  it('refuse bad bases and product ids', () => {
    expect(() => coinbaseFeedUrl('https://ws-feed.exchange.coinbase.com')).toThrow(
      expect.objectContaining({ code: 'COINBASE_INVALID_BASE_URL' }),
    );
    expect(() => coinbaseProductTickerUrl('https://x', '../BTC')).toThrow(
      expect.objectContaining({ code: 'COINBASE_INVALID_SYMBOL' }),
    );
  });
});
