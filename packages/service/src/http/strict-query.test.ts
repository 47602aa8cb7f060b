import { HttpError } from '../errors';
import { rejectUnknownParams } from './strict-query';

describe('rejectUnknownParams', () => {
  it('accepts the declared parameters and none at all', () => {
    expect(() => rejectUnknownParams({ symbols: 'A', throttle: '5' }, ['symbols', 'throttle'])).not.toThrow();
    expect(() => rejectUnknownParams({}, [])).not.toThrow();
  });

  it('refuses a misspelled parameter with a 400 naming it', () => {
    let caught: unknown;
    try {
      rejectUnknownParams({ symbol: 'BTCUSDT' }, ['symbols']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HttpError);
    expect(caught).toMatchObject({ status: 400, code: 'UNKNOWN_PARAMETER' });
    expect((caught as HttpError).message).toContain('"symbol"');
  });
});
