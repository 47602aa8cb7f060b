import { FinnhubConfigError } from './errors';
import { finnhubControlFrames, finnhubSubscribeFrames, finnhubUnsubscribeFrames } from './control-frames';
import { FINNHUB_DEFAULT_REST_URL, FINNHUB_DEFAULT_WS_URL } from './limits';
import { finnhubQuoteUrl, finnhubSocketUrl } from './urls';

describe('finnhubSocketUrl', () => {
  it('puts the API key into the token query parameter', () => {
    expect(finnhubSocketUrl(FINNHUB_DEFAULT_WS_URL, 'abc123')).toBe('wss://ws.finnhub.io/?token=abc123');
  });

  it('keeps a simulator path and encodes the key', () => {
    expect(finnhubSocketUrl('ws://127.0.0.1:4000/finnhub', 'a+b/c')).toBe(
      'ws://127.0.0.1:4000/finnhub?token=a%2Bb%2Fc',
    );
  });

  it('refuses a missing or blank key, naming the sandbox pitfall', () => {
    expect(() => finnhubSocketUrl(FINNHUB_DEFAULT_WS_URL, '')).toThrow(FinnhubConfigError);
    expect(() => finnhubSocketUrl(FINNHUB_DEFAULT_WS_URL, 'ab c')).toThrow(/sandbox/);
    expect(() => finnhubSocketUrl(FINNHUB_DEFAULT_WS_URL, undefined as unknown as string)).toThrow(
      expect.objectContaining({ code: 'FINNHUB_MISSING_TOKEN' }),
    );
  });

  it('refuses bases that are not ws(s) URLs without a query', () => {
    for (const base of ['https://ws.finnhub.io', 'wss://ws.finnhub.io?token=x', 'not a url']) {
      expect(() => finnhubSocketUrl(base, 'k')).toThrow(
        expect.objectContaining({ code: 'FINNHUB_INVALID_BASE_URL' }),
      );
    }
  });
});

describe('finnhubQuoteUrl', () => {
  it('asks /api/v1/quote for one symbol, without the key unless asked to', () => {
    expect(finnhubQuoteUrl(FINNHUB_DEFAULT_REST_URL, 'AAPL')).toBe(
      'https://finnhub.io/api/v1/quote?symbol=AAPL',
    );
    expect(finnhubQuoteUrl('https://finnhub.io/api/v1/', 'AAPL', 'k')).toBe(
      'https://finnhub.io/api/v1/quote?symbol=AAPL&token=k',
    );
  });

  it('encodes venue symbols with colons and spaces', () => {
    expect(finnhubQuoteUrl('http://127.0.0.1:9000', 'IC MARKETS:1')).toBe(
      'http://127.0.0.1:9000/api/v1/quote?symbol=IC+MARKETS%3A1',
    );
  });
});

describe('Finnhub control frames', () => {
  it('send one frame per symbol, as documented', () => {
    expect(finnhubSubscribeFrames(['AAPL', 'BINANCE:BTCUSDT', 'IC MARKETS:1'])).toEqual([
      '{"type":"subscribe","symbol":"AAPL"}',
      '{"type":"subscribe","symbol":"BINANCE:BTCUSDT"}',
      '{"type":"subscribe","symbol":"IC MARKETS:1"}',
    ]);
    expect(finnhubUnsubscribeFrames(['AAPL'])).toEqual(['{"type":"unsubscribe","symbol":"AAPL"}']);
  });

  it('send each symbol once, and nothing for no symbols', () => {
    expect(finnhubControlFrames('subscribe', ['AAPL', 'AAPL'])).toHaveLength(1);
    expect(finnhubControlFrames('subscribe', [])).toEqual([]);
  });
});
