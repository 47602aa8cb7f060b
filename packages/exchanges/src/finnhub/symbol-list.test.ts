import { createFinnhubAdapter } from './finnhub-adapter';
import { FinnhubConfigError, FinnhubRestError } from './errors';
import { FINNHUB_DEFAULT_REST_URL } from './limits';
import { finnhubListedSymbols, parseFinnhubSymbolListText } from './symbol-list';
import { finnhubSymbolListUrl } from './urls';

const TOKEN = 'secret-key';
const STOCKS = '/api/v1/stock/symbol?exchange=US';

/** Entries as the docs show them (Stock Symbol, Crypto Symbol), plus odd ones. */
const US_STOCKS = [
  {
    currency: 'USD',
    description: 'APPLE INC',
    displaySymbol: 'AAPL',
    figi: 'BBG000B9XRY4',
    mic: 'XNAS',
    symbol: 'AAPL',
    type: 'Common Stock',
  },
  {
    currency: 'USD',
    description: 'BERKSHIRE HATHAWAY INC-CL B',
    displaySymbol: 'BRK.B',
    figi: 'BBG000MM2P62',
    mic: 'XNYS',
    symbol: 'BRK.B',
    type: 'Common Stock',
  },
  { description: 'S&P 500 INDEX', displaySymbol: '^GSPC', symbol: '^GSPC' },
  { description: 'NO SYMBOL', displaySymbol: 'NOSYM' },
  { symbol: '', displaySymbol: '' },
  { symbol: null },
  'MSFT',
  7,
];
const BINANCE_PAIRS = [
  { description: 'Binance BTCUSDT', displaySymbol: 'BTC/USDT', symbol: 'BINANCE:BTCUSDT' },
  { description: 'Binance ETHBTC', displaySymbol: 'ETH/BTC', symbol: 'BINANCE:ETHBTC' },
];

const BINANCE_LISTED = [
  { symbol: 'FINNHUB:BINANCE:BTCUSDT', name: 'Binance BTCUSDT' },
  { symbol: 'FINNHUB:BINANCE:ETHBTC', name: 'Binance ETHBTC' },
];

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('the Finnhub symbol lists', () => {
  it('map every usable symbol to its canonical name with its description, skipping unreadable entries', () => {
    expect(finnhubListedSymbols(US_STOCKS, STOCKS)).toEqual([
      { symbol: 'FINNHUB:AAPL', name: 'APPLE INC' },
      { symbol: 'FINNHUB:BRK.B', name: 'BERKSHIRE HATHAWAY INC-CL B' },
    ]);
    expect(parseFinnhubSymbolListText(JSON.stringify(BINANCE_PAIRS), STOCKS)).toEqual(BINANCE_LISTED);
    // No description: the display symbol, else Finnhub's symbol, names it.
    expect(
      parseFinnhubSymbolListText(
        '[{"symbol":"IC MARKETS:1","displaySymbol":"EUR/USD"},{"symbol":"OANDA:EUR_USD","description":" "}]',
        STOCKS,
      ),
    ).toEqual([
      { symbol: 'FINNHUB:IC_MARKETS:1', name: 'EUR/USD' },
      { symbol: 'FINNHUB:OANDA:EUR_USD', name: 'OANDA:EUR_USD' },
    ]);
  });

  it('reads the forex list of the docs (exchanges.md 6.2) with each pair named by its description', () => {
    const docs =
      '[{"description":"IC MARKETS Euro vs US Dollar EURUSD","displaySymbol":"EUR/USD","symbol":"IC MARKETS:1"},' +
      '{"description":"IC MARKETS Australian vs US Dollar AUDUSD","displaySymbol":"AUD/USD","symbol":"IC MARKETS:5"},' +
      '{"description":"IC MARKETS British Pound vs US Dollar GBPUSD","displaySymbol":"GBP/USD","symbol":"IC MARKETS:2"}]';
    expect(parseFinnhubSymbolListText(docs, '/api/v1/forex/symbol?exchange=ic+markets')).toEqual([
      { symbol: 'FINNHUB:IC_MARKETS:1', name: 'IC MARKETS Euro vs US Dollar EURUSD' },
      { symbol: 'FINNHUB:IC_MARKETS:5', name: 'IC MARKETS Australian vs US Dollar AUDUSD' },
      { symbol: 'FINNHUB:IC_MARKETS:2', name: 'IC MARKETS British Pound vs US Dollar GBPUSD' },
    ]);
  });

  it('reads an empty array as an empty list', () => {
    expect(parseFinnhubSymbolListText('[]', STOCKS)).toEqual([]);
  });

  it('turns a Finnhub error body into the typed API error, naming the list', () => {
    const error = thrown(() => parseFinnhubSymbolListText('{"error":"Invalid API key"}', STOCKS));
    expect(error).toBeInstanceOf(FinnhubRestError);
    expect(error).toMatchObject({ code: 'FINNHUB_API_ERROR', finnhubMessage: 'Invalid API key' });
    expect((error as Error).message).toContain(STOCKS);
  });

  it.each([
    ['invalid JSON', '[{"symbol":"AAPL"', /invalid JSON/],
    ['an object', '{"symbols":[]}', /expected a JSON array/],
    ['null', 'null', /expected a JSON array/],
  ])('rejects %s as a malformed body', (_label, text, reason) => {
    const error = thrown(() => parseFinnhubSymbolListText(text, STOCKS));
    expect(error).toMatchObject({ code: 'FINNHUB_MALFORMED_REST_BODY' });
    expect((error as Error).message).toMatch(reason);
  });

  it('builds list URLs per market and refuses codes that do not fit a query', () => {
    expect(finnhubSymbolListUrl('https://finnhub.io/api/v1/', 'forex', 'ic markets')).toBe(
      'https://finnhub.io/api/v1/forex/symbol?exchange=ic+markets',
    );
    expect(() => finnhubSymbolListUrl(FINNHUB_DEFAULT_REST_URL, 'stock', 'US&token=x')).toThrow(
      FinnhubConfigError,
    );
  });

  it('lists US stocks and Binance pairs by default, the key in a header, never in the URL', () => {
    const list = createFinnhubAdapter({ token: TOKEN }).symbolList;
    const requests = list?.requests(FINNHUB_DEFAULT_REST_URL);
    const headers = { 'X-Finnhub-Token': TOKEN, Accept: 'application/json' };
    expect(requests).toEqual([
      { url: 'https://finnhub.io/api/v1/stock/symbol?exchange=US', headers },
      { url: 'https://finnhub.io/api/v1/crypto/symbol?exchange=binance', headers },
    ]);
    expect(list?.requestWeight).toBe(1);
    expect(list?.parse(requests![1]!, JSON.stringify(BINANCE_PAIRS))).toEqual(BINANCE_LISTED);
    const error = thrown(() => list?.parse(requests![0]!, '{"error":"no"}'));
    expect((error as Error).message).toContain(STOCKS);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it('lists the configured markets, and refuses a configuration that lists none or a bad code', () => {
    const list = createFinnhubAdapter({
      token: TOKEN,
      symbolListExchanges: { stock: [], crypto: ['coinbase', 'coinbase'], forex: ['oanda'] },
    }).symbolList;
    expect(list?.requests(FINNHUB_DEFAULT_REST_URL).map((request) => request.url)).toEqual([
      'https://finnhub.io/api/v1/crypto/symbol?exchange=coinbase',
      'https://finnhub.io/api/v1/forex/symbol?exchange=oanda',
    ]);
    expect(() =>
      createFinnhubAdapter({ token: TOKEN, symbolListExchanges: { stock: [], crypto: [], forex: [] } }),
    ).toThrow(expect.objectContaining({ code: 'FINNHUB_INVALID_OPTION' }));
    expect(() =>
      createFinnhubAdapter({ token: TOKEN, symbolListExchanges: { stock: ['U/S'], crypto: [], forex: [] } }),
    ).toThrow(/exchange code "U\/S"/);
  });
});
