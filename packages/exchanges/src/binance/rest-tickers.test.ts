import { BinanceRestError } from './errors';
import { parseRestTickers } from './rest-tickers';

const RECEIVED = 1_800_000_000_000;

const FULL = {
  symbol: 'BNBBTC',
  priceChange: '-94.99999800',
  priceChangePercent: '-95.960',
  weightedAvgPrice: '0.29628482',
  prevClosePrice: '0.10002000',
  lastPrice: '4.00000200',
  lastQty: '200.00000000',
  bidPrice: '4.00000000',
  bidQty: '100.00000000',
  askPrice: '4.00000200',
  askQty: '101.00000000',
  openPrice: '99.00000000',
  highPrice: '100.00000000',
  lowPrice: '0.10000000',
  volume: '8913.30000000',
  quoteVolume: '15.30000000',
  openTime: 1499783499040,
  closeTime: 1499869899040,
  firstId: 28385,
  lastId: 28460,
  count: 76,
};

function restError(run: () => unknown): BinanceRestError {
  try {
    run();
  } catch (error) {
    if (error instanceof BinanceRestError) return error;
    throw error;
  }
  throw new Error('expected a BinanceRestError');
}

describe('parseRestTickers', () => {
  it('maps a FULL ticker with the close time as event time and source rest', () => {
    expect(parseRestTickers(FULL, RECEIVED)).toEqual([
      {
        exchange: 'binance',
        symbol: 'BNBBTC',
        last: '4.00000200',
        lastQty: '200.00000000',
        bid: '4.00000000',
        bidQty: '100.00000000',
        ask: '4.00000200',
        askQty: '101.00000000',
        open: '99.00000000',
        high: '100.00000000',
        low: '0.10000000',
        change: '-94.99999800',
        changePct: '-95.960',
        baseVolume: '8913.30000000',
        quoteVolume: '15.30000000',
        eventTime: 1499869899040,
        receiveTime: RECEIVED,
        source: 'rest',
      },
    ]);
  });

  it('keeps "0.10000000" byte for byte', () => {
    expect(parseRestTickers(FULL, RECEIVED)[0]?.low).toBe('0.10000000');
  });

  it('maps an array, one update per element, in order', () => {
    const updates = parseRestTickers([FULL, { ...FULL, symbol: 'LTCBTC' }], RECEIVED);
    expect(updates.map((update) => update.symbol)).toEqual(['BNBBTC', 'LTCBTC']);
  });

  it('returns no updates for an empty array (symbolStatus filtered every symbol out)', () => {
    expect(parseRestTickers([], RECEIVED)).toEqual([]);
  });

  it('derives change and percent for MINI tickers, which carry neither', () => {
    const mini = {
      symbol: 'BNBBTC',
      openPrice: '99.00000000',
      highPrice: '100.00000000',
      lowPrice: '0.10000000',
      lastPrice: '4.00000200',
      volume: '8913.30000000',
      quoteVolume: '15.30000000',
      openTime: 1499783499040,
      closeTime: 1499869899040,
      firstId: 28385,
      lastId: 28460,
      count: 76,
    };
    const [update] = parseRestTickers([mini], RECEIVED);
    expect(update).toEqual(
      expect.objectContaining({ change: FULL.priceChange, changePct: FULL.priceChangePercent }),
    );
    expect(update).not.toHaveProperty('bid');
    expect(update).not.toHaveProperty('lastQty');
  });

  it('accepts /ticker/price bodies, stamped with the receive time', () => {
    expect(parseRestTickers({ symbol: 'BTCUSDT', price: '60740.00000000' }, RECEIVED)).toEqual([
      {
        exchange: 'binance',
        symbol: 'BTCUSDT',
        last: '60740.00000000',
        eventTime: RECEIVED,
        receiveTime: RECEIVED,
        source: 'rest',
      },
    ]);
  });

  it('raises BINANCE_API_ERROR with Binance code and message for an error body', () => {
    const error = restError(() => parseRestTickers({ code: -1121, msg: 'Invalid symbol.' }, RECEIVED));
    expect(error.code).toBe('BINANCE_API_ERROR');
    expect(error.binanceCode).toBe(-1121);
    expect(error.binanceMessage).toBe('Invalid symbol.');
    expect(error.message).toMatch(/-1121.*symbol/);
  });

  it.each([
    ['null', null],
    ['a string', 'oops'],
    ['an object without lastPrice', { symbol: 'BTCUSDT' }],
    ['a numeric price', { ...FULL, lastPrice: 4.000002 }],
    ['a missing closeTime', { ...FULL, closeTime: undefined }],
    ['a string closeTime', { ...FULL, closeTime: '1499869899040' }],
    ['a missing symbol', { ...FULL, symbol: undefined }],
    ['an array with junk', [FULL, 5]],
    ['an error body with a string code', { code: 'x', msg: 'y' }],
  ])('raises BINANCE_MALFORMED_REST_BODY for %s', (_label, body) => {
    const error = restError(() => parseRestTickers(JSON.parse(JSON.stringify(body) ?? 'null'), RECEIVED));
    expect(error.code).toBe('BINANCE_MALFORMED_REST_BODY');
    expect(error.message).toMatch(/\/api\/v3\/ticker\/24hr/);
  });
});
