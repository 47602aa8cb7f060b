import { FinnhubRestError } from './errors';
import {
  FINNHUB_FOREX_BROKERS,
  finnhubCandleMarket,
  finnhubCandleRefusal,
  finnhubCandlesPerRequest,
  finnhubResolutionMinutes,
  parseFinnhubCandlesText,
} from './rest-candles';

describe('Finnhub candles', () => {
  it('picks the endpoint by market and a resolution that is a Tickwire interval (60 for 4h and 1d)', () => {
    const brokers = new Set(FINNHUB_FOREX_BROKERS);
    expect(finnhubCandleMarket('AAPL', brokers)).toBe('stock');
    expect(finnhubCandleMarket('OANDA:EUR_USD', brokers)).toBe('forex');
    expect(finnhubCandleMarket('IC MARKETS:1', brokers)).toBe('forex');
    expect(finnhubCandleMarket('BINANCE:BTCUSDT', brokers)).toBe('crypto');
    expect(['1m', '5m', '15m', '1h', '4h', '1d'].map((i) => finnhubResolutionMinutes(i as '1m'))).toEqual([
      1, 5, 15, 60, 60, 60,
    ]);
    expect(finnhubCandlesPerRequest('1m')).toBe(500);
    expect(finnhubCandlesPerRequest('1d')).toBe(20);
  });

  it("reads the doc's sample answer exactly, and refuses a candle not aligned to its resolution", () => {
    // The forex-candles doc sample (daily candles starting at 21:00 UTC, hour-aligned), read as 60.
    const sample =
      '{"c":[1.10713,1.10288,1.10397,1.10182],"h":[1.1074,1.10751,1.10729,1.10595],"l":[1.09897,1.1013,1.10223,1.10101],' +
      '"o":[1.0996,1.107,1.10269,1.10398],"s":"ok","t":[1568667600,1568754000,1568840400,1568926800],"v":[75789,75883,73485,5138]}';
    const hourly = parseFinnhubCandlesText('FINNHUB:OANDA:EUR_USD', '1h', sample);
    expect(hourly).toHaveLength(4);
    expect(hourly[0]).toEqual({
      symbol: 'FINNHUB:OANDA:EUR_USD',
      interval: '1h',
      openTime: 1568667600_000,
      closeTime: 1568671199_999,
      open: '1.0996',
      high: '1.1074',
      low: '1.09897',
      close: '1.10713',
      volume: '75789',
      ticks: 0,
    });
    const unaligned = sample.replace('1568667600', '1568667630');
    expect(() => parseFinnhubCandlesText('FINNHUB:OANDA:EUR_USD', '1h', unaligned)).toThrow(/aligned to 1h/);
  });

  it('reads no_data as no candles, and an error body or a broken answer as typed errors', () => {
    const noData = '{"c":null,"h":null,"l":null,"o":null,"s":"no_data","t":null,"v":null}';
    expect(parseFinnhubCandlesText('FINNHUB:AAPL', '1m', noData)).toEqual([]);
    const refused = () =>
      parseFinnhubCandlesText('FINNHUB:AAPL', '1m', `{"error":"You don't have access to this resource."}`);
    expect(refused).toThrow(FinnhubRestError);
    expect(refused).toThrow(/don't have access/);
    for (const body of ['{"s":"ok","t":[60],"o":[1],"h":[1],"l":[1],"c":[1]}', '{"s":"what"}', '[]', '{']) {
      expect(() => parseFinnhubCandlesText('FINNHUB:AAPL', '1m', body)).toThrow(/malformed/);
    }
  });

  it("recognises the plan's refusal (any 403; a 401 that says so), not a bad key or a rate limit", () => {
    const noAccess = `{"error":"You don't have access to this resource."}`;
    expect(finnhubCandleRefusal(403, noAccess)).toBe("You don't have access to this resource.");
    expect(finnhubCandleRefusal(401, noAccess)).toBe("You don't have access to this resource.");
    expect(finnhubCandleRefusal(403, '<html>Forbidden</html>')).toBe('HTTP 403');
    expect(finnhubCandleRefusal(401, '{"error":"Invalid API key"}')).toBeUndefined();
    expect(
      finnhubCandleRefusal(429, '{"error":"API limit reached. Please try again later. Remaining Limit: 0"}'),
    ).toBeUndefined();
  });
});
