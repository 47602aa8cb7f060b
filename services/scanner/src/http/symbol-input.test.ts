import { HttpError } from '@tickwire/service';
import { loadConfig } from '../config';
import { canonicalSymbols } from './symbol-input';

describe('watchlist symbols of Massive US stocks', () => {
  it('are canonical with the MASSIVE: prefix, and bare tickers are Massive under DEFAULT_EXCHANGE=massive', () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DEFAULT_EXCHANGE: 'massive' });
    expect(config.DEFAULT_EXCHANGE).toBe('massive');
    expect(canonicalSymbols(['aapl', 'massive:msft', 'BTCUSDT'], config.DEFAULT_EXCHANGE)).toEqual([
      'MASSIVE:AAPL',
      'MASSIVE:MSFT',
      'MASSIVE:BTCUSDT',
    ]);
    expect(canonicalSymbols(['massive:aapl', 'BTCUSDT'], 'binance')).toEqual(['MASSIVE:AAPL', 'BTCUSDT']);
  });

  it('refuses a ticker Massive cannot carry with a 400 naming the field', () => {
    let caught: unknown;
    try {
      canonicalSymbols(['MASSIVE:AAPL', 'MASSIVE:'], 'massive');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HttpError);
    expect((caught as HttpError).status).toBe(400);
    expect((caught as HttpError).fields?.map((problem) => problem.field)).toEqual(['symbols.1']);
  });
});
