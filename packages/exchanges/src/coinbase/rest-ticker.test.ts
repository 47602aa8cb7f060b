import { CoinbaseRestError } from './errors';
import {
  coinbaseRetryDelayMs,
  parseCoinbaseProductTicker,
  parseCoinbaseProductTickerText,
} from './rest-ticker';

const RECEIVED = 1_800_000_000_000;

/** The example response of the Coinbase Exchange docs (Get product ticker). */
const DOCS_EXAMPLE =
  '{"trade_id":86326522,"price":"6268.48","size":"0.00698254","time":"2020-03-20T00:22:57.833Z","bid":"6265.15",' +
  '"ask":"6267.71","volume":"53602.03940154","rfq_volume":"123.122","conversions_volume":"0.00"}';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('Coinbase product ticker', () => {
  it('maps the docs example for the product it was asked for', () => {
    expect(parseCoinbaseProductTickerText('COINBASE:BTC-USD', DOCS_EXAMPLE, RECEIVED)).toEqual({
      exchange: 'coinbase',
      symbol: 'COINBASE:BTC-USD',
      last: '6268.48',
      lastQty: '0.00698254',
      bid: '6265.15',
      ask: '6267.71',
      baseVolume: '53602.03940154',
      eventTime: Date.UTC(2020, 2, 20, 0, 22, 57, 833),
      receiveTime: RECEIVED,
      source: 'rest',
    });
  });

  it('turns Coinbase error bodies into the typed API error', () => {
    const error = thrown(() =>
      parseCoinbaseProductTicker('COINBASE:NOPE-USD', { message: 'NotFound' }, RECEIVED),
    );
    expect(error).toBeInstanceOf(CoinbaseRestError);
    expect(error).toMatchObject({
      code: 'COINBASE_API_ERROR',
      coinbaseMessage: 'NotFound',
      symbol: 'COINBASE:NOPE-USD',
    });
    expect((error as Error).message).toMatch(/listed on Coinbase Exchange/);
  });

  it.each([
    ['[]', /expected a JSON object/],
    ['{"price":6268.48}', /field "price" must be a decimal string/],
    ['{"price":"1","time":"now"}', /field "time"/],
    ['not json', /invalid JSON/],
  ])('rejects %s as a malformed body', (text, reason) => {
    const error = thrown(() => parseCoinbaseProductTickerText('COINBASE:BTC-USD', text, RECEIVED));
    expect(error).toMatchObject({ code: 'COINBASE_MALFORMED_REST_BODY' });
    expect((error as Error).message).toMatch(reason);
  });
});

describe('coinbaseRetryDelayMs', () => {
  it('waits a second after 429 unless Retry-After says otherwise, and leaves other statuses alone', () => {
    expect(coinbaseRetryDelayMs(429, {})).toBe(1_000);
    expect(coinbaseRetryDelayMs(429, { 'retry-after': '5' })).toBe(5_000);
    expect(coinbaseRetryDelayMs(429, { 'retry-after': '999' })).toBe(60_000);
    expect(coinbaseRetryDelayMs(404, {})).toBeUndefined();
  });
});
