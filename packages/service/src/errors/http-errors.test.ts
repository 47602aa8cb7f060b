import { TickwireError } from '@tickwire/core';
import { NotLeaderError } from '@tickwire/cluster';
import { BinanceConfigError } from '@tickwire/exchanges';
import { ConfigError } from '../config';
import { commonHttpErrors } from './http-errors';
import { errorBody, HttpError } from './http-error';

describe('errors', () => {
  it('share one base with a stable code, from every package', () => {
    const errors = [
      commonHttpErrors.notFound('/x'),
      new ConfigError(['PORT: bad']),
      new NotLeaderError('renew', 'pod-1:3'),
      new BinanceConfigError('BINANCE_INVALID_SYMBOL', 'bad symbol'),
    ];
    for (const error of errors) expect(error).toBeInstanceOf(TickwireError);
    expect(errors.map((error) => [error.name, error.code])).toEqual([
      ['HttpError', 'NOT_FOUND'],
      ['ConfigError', 'CONFIG_INVALID'],
      ['NotLeaderError', 'NOT_LEADER'],
      ['BinanceConfigError', 'BINANCE_INVALID_SYMBOL'],
    ]);
  });

  it('render as { error: { code, message } } and name what to change', () => {
    const error = commonHttpErrors.unknownParameter('symbol', ['symbols', 'throttle']);
    expect(error.status).toBe(400);
    expect(JSON.parse(errorBody(error))).toEqual({
      error: {
        code: 'UNKNOWN_PARAMETER',
        message: 'unknown query parameter "symbol": this route takes symbols, throttle',
      },
    });
    expect(commonHttpErrors.unknownParameter('x', []).message).toContain('takes no query parameters');
  });

  it('carry their headers: Allow on 405, Retry-After when shutting down', () => {
    const notAllowed = commonHttpErrors.methodNotAllowed('POST', '/livez', ['GET', 'HEAD', 'OPTIONS']);
    expect([notAllowed.status, notAllowed.headers]).toEqual([405, { Allow: 'GET, HEAD, OPTIONS' }]);
    expect(commonHttpErrors.shuttingDown().headers).toEqual({ 'Retry-After': '1' });
  });

  it('cut what they echo from the request', () => {
    const error = commonHttpErrors.notFound(`/${'a'.repeat(1000)}`);
    expect(error.message.length).toBeLessThan(200);
    expect(error).toBeInstanceOf(HttpError);
  });
});
