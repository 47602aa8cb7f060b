import { FinnhubRestError } from './errors';
import { parseFinnhubQuote, parseFinnhubQuoteText } from './rest-quote';
import { FINNHUB_RATE_LIMITED_STATUS, finnhubRetryDelayMs } from './rest-retry';

const RECEIVED = 1_800_000_000_000;

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('Finnhub quote', () => {
  it('maps every field, turning t from seconds into milliseconds', () => {
    const text =
      '{"c":376.66,"d":-4.74,"dp":-1.2428,"h":383.38,"l":376.42,"o":381.33,"pc":381.4,"t":1672261200}';
    expect(parseFinnhubQuoteText('FINNHUB:SPY', text, RECEIVED)).toEqual({
      exchange: 'finnhub',
      symbol: 'FINNHUB:SPY',
      last: '376.66',
      open: '381.33',
      high: '383.38',
      low: '376.42',
      change: '-4.74',
      changePct: '-1.2428',
      eventTime: 1_672_261_200_000,
      receiveTime: RECEIVED,
      source: 'rest',
    });
  });

  it('reads doubles from a JSON.parse body to the same strings', () => {
    const body = {
      c: 311.55,
      d: 0.55,
      dp: 0.1768,
      h: 316.2894,
      l: 309.23,
      o: 313.73,
      pc: 311,
      t: 1786038273,
    };
    expect(parseFinnhubQuote('FINNHUB:X', body, RECEIVED)).toMatchObject({
      last: '311.55',
      high: '316.2894',
      eventTime: 1_786_038_273_000,
    });
  });

  it('turns the all-zero HTTP 200 body into an unknown-symbol error, never a price of 0', () => {
    const error = thrown(() =>
      parseFinnhubQuoteText(
        'FINNHUB:NOPE',
        '{"c":0,"d":null,"dp":null,"h":0,"l":0,"o":0,"pc":0,"t":0}',
        RECEIVED,
      ),
    );
    expect(error).toBeInstanceOf(FinnhubRestError);
    expect(error).toMatchObject({ code: 'FINNHUB_UNKNOWN_SYMBOL', symbol: 'FINNHUB:NOPE' });
  });

  it('keeps a real price of 0 with a change, and stamps a quote without time with the receive time', () => {
    expect(parseFinnhubQuoteText('FINNHUB:X', '{"c":0,"d":-0.01,"dp":-100,"t":0}', RECEIVED)).toMatchObject({
      last: '0',
      change: '-0.01',
      eventTime: RECEIVED,
    });
  });

  it('turns an entitlement error body into the typed API error with Finnhub text', () => {
    const error = thrown(() =>
      parseFinnhubQuote(
        'FINNHUB:US30',
        { error: 'Market data subscription required for CFD indices.' },
        RECEIVED,
      ),
    );
    expect(error).toMatchObject({
      code: 'FINNHUB_API_ERROR',
      finnhubMessage: 'Market data subscription required for CFD indices.',
    });
  });

  it.each([
    ['[]', /expected a JSON object/],
    ['{"c":"x","d":1,"t":1}', /field "c" must be a number/],
    ['{"c":1,"d":1}', /field "t" must be a non-negative integer/],
    ['{"c":1', /invalid JSON/],
  ])('rejects %s as a malformed body', (text, reason) => {
    const error = thrown(() => parseFinnhubQuoteText('FINNHUB:X', text, RECEIVED));
    expect(error).toMatchObject({ code: 'FINNHUB_MALFORMED_REST_BODY' });
    expect((error as Error).message).toMatch(reason);
  });
});

describe('finnhubRetryDelayMs', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 45, 500);

  it('leaves statuses other than 429 to the caller', () => {
    expect(finnhubRetryDelayMs(500, {}, now)).toBeUndefined();
  });

  it('waits for the next minute boundary when no header says otherwise', () => {
    expect(finnhubRetryDelayMs(FINNHUB_RATE_LIMITED_STATUS, {}, now)).toBe(14_500);
  });

  it('honours Retry-After, then X-RateLimit-Reset as epoch seconds or seconds from now', () => {
    expect(finnhubRetryDelayMs(429, { 'retry-after': '3' }, now)).toBe(3_000);
    expect(finnhubRetryDelayMs(429, { 'x-ratelimit-reset': String((now + 20_000) / 1000) }, now)).toBe(
      20_000,
    );
    expect(finnhubRetryDelayMs(429, { 'x-ratelimit-reset': ['7'] }, now)).toBe(7_000);
  });

  it('never waits longer than the one-minute window or less than nothing', () => {
    expect(finnhubRetryDelayMs(429, { 'retry-after': '3600' }, now)).toBe(60_000);
    expect(finnhubRetryDelayMs(429, { 'x-ratelimit-reset': String(Math.floor(now / 1000) - 10) }, now)).toBe(
      0,
    );
    expect(finnhubRetryDelayMs(429, { 'x-ratelimit-reset': 'soon' }, now)).toBe(14_500);
  });
});
