import { CoinbaseRestError } from './errors';
import {
  coinbaseCandlesPerRequest,
  coinbaseGranularitySeconds,
  parseCoinbaseCandlesText,
} from './rest-candles';

const SYMBOL = 'COINBASE:ETH-USD';

describe('Coinbase product candles', () => {
  it('fetches every interval at a Coinbase granularity, 4h from 1h, and pages by 300 buckets', () => {
    expect(['1m', '5m', '15m', '1h', '4h', '1d'].map((i) => coinbaseGranularitySeconds(i as '1m'))).toEqual([
      60, 300, 900, 3_600, 3_600, 86_400,
    ]);
    expect(coinbaseCandlesPerRequest('1d')).toBe(300);
    expect(coinbaseCandlesPerRequest('4h')).toBe(75);
  });

  it('reads rows seen live (newest first, float volumes) oldest first, every digit as sent', () => {
    // coinbase/coinbase-pro-node#204 (2018): three 1m rows as the API sent them.
    const body =
      '[[1515264780,994.5,994.5,994.5,994.5,14.697630010000001],' +
      '[1515264720,994.49,994.5,994.5,994.5,22.028889700000004],' +
      '[1515264660,994.49,994.5,994.5,994.5,4.2e-7]]';
    const candles = parseCoinbaseCandlesText(SYMBOL, '1m', body);
    expect(candles.map((candle) => candle.openTime)).toEqual([
      1515264660_000, 1515264720_000, 1515264780_000,
    ]);
    expect(candles[2]).toEqual({
      symbol: SYMBOL,
      interval: '1m',
      openTime: 1515264780_000,
      closeTime: 1515264839_999,
      open: '994.5',
      high: '994.5',
      low: '994.5',
      close: '994.5',
      volume: '14.697630010000001',
      ticks: 0,
    });
    expect(candles[1]).toMatchObject({ low: '994.49', volume: '22.028889700000004' });
    expect(candles[0]!.volume).toBe('0.00000042');
    // ccxt's sample row.
    expect(
      parseCoinbaseCandlesText(
        'COINBASE:ETH-BTC',
        '1m',
        '[[1591514160,0.02507,0.02507,0.02507,0.02507,0.02816506]]',
      ),
    ).toMatchObject([{ open: '0.02507', volume: '0.02816506', openTime: 1591514160_000 }]);
    expect(parseCoinbaseCandlesText(SYMBOL, '1m', '[]')).toEqual([]);
  });

  it('folds 1h rows into 4h candles aligned to UTC', () => {
    const h = 1_700_006_400; // 2023-11-15T00:00:00Z, a 4h boundary
    const body = `[[${h + 3 * 3600},9,12,10,11,1],[${h + 3600},8,10,9,10,2],[${h},9,9.5,9.25,9,0.5]]`;
    expect(parseCoinbaseCandlesText(SYMBOL, '4h', body)).toEqual([
      {
        symbol: SYMBOL,
        interval: '4h',
        openTime: h * 1_000,
        closeTime: h * 1_000 + 4 * 3_600_000 - 1,
        open: '9.25',
        high: '12',
        low: '8',
        close: '11',
        volume: '3.5',
        ticks: 0,
      },
    ]);
  });

  it("turns Coinbase's error body into COINBASE_API_ERROR and anything unexpected into a malformed body", () => {
    const refused = () =>
      parseCoinbaseCandlesText(
        SYMBOL,
        '1m',
        '{"message":"granularity too small for the requested time range. Count of aggregations requested exceeds 300"}',
      );
    expect(refused).toThrow(CoinbaseRestError);
    expect(refused).toThrow(/exceeds 300/);
    for (const body of [
      '{"candles":[]}',
      '[[1515264780,1,1,1,1]]',
      '[[1515264781,1,1,1,1,1]]',
      '[["a",1,1,1,1,1]]',
      '[',
    ]) {
      expect(() => parseCoinbaseCandlesText(SYMBOL, '1m', body)).toThrow(
        /COINBASE_MALFORMED_REST_BODY|malformed/,
      );
    }
  });
});
