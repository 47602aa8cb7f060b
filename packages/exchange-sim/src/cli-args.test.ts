import { parseCliArgs } from './cli-args';

describe('tickwire-sim flags', () => {
  it('maps --port --seed --symbols --rate onto options, in both flag forms', () => {
    expect(
      parseCliArgs(['--port', '9443', '--seed=7', '--symbols', 'BTCUSDT,ethusdt', '--rate=2.5']),
    ).toEqual({
      kind: 'run',
      options: { port: 9443, seed: 7, symbols: ['BTCUSDT', 'ethusdt'], tradesPerSecond: 2.5 },
    });
    expect(parseCliArgs([])).toEqual({
      kind: 'run',
      options: { port: undefined, seed: undefined, tradesPerSecond: undefined },
    });
  });

  it('reports every bad flag at once', () => {
    expect(parseCliArgs(['--port', 'x', '--bogus', '--seed'])).toEqual({
      kind: 'error',
      problems: ['unknown argument "--bogus"', '--seed needs a value', '--port must be an integer, got "x"'],
    });
  });

  it('asks for help with --help', () => {
    expect(parseCliArgs(['--rate', '1', '--help'])).toEqual({ kind: 'help' });
  });
});
