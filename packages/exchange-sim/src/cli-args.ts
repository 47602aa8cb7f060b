/** Command-line flags of tickwire-sim, parsed into SimOptions (every error reported at once). */
import type { SimOptions } from './binance/options';

export const CLI_USAGE = `Usage: tickwire-sim [--port N] [--seed N] [--symbols BTCUSDT,ETHUSDT] [--rate TRADES_PER_SEC]

  --port     TCP port on 127.0.0.1 (default 0: any free port)
  --seed     seed of the price paths (default 1)
  --symbols  comma-separated symbols (default: the top 8 USDT pairs)
  --rate     trades per second per symbol (default 5)
  --help     print this text`;

export type CliParse =
  | { readonly kind: 'run'; readonly options: SimOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly problems: readonly string[] };

const FLAGS = ['port', 'seed', 'symbols', 'rate'] as const;
type Flag = (typeof FLAGS)[number];

export function parseCliArgs(argv: readonly string[]): CliParse {
  const values: Partial<Record<Flag, string>> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1];
    if (!match || name === undefined || !(FLAGS as readonly string[]).includes(name)) {
      problems.push(`unknown argument ${JSON.stringify(arg)}`);
      continue;
    }
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '') problems.push(`--${name} needs a value`);
    else values[name as Flag] = value;
  }
  const options: SimOptions = {};
  const number = (flag: Flag, raw: string | undefined, integer: boolean): number | undefined => {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      problems.push(`--${flag} must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return value;
  };
  options.port = number('port', values.port, true);
  options.seed = number('seed', values.seed, true);
  options.tradesPerSecond = number('rate', values.rate, false);
  if (values.symbols !== undefined)
    options.symbols = values.symbols.split(',').filter((s) => s.trim().length > 0);
  if (problems.length > 0) return { kind: 'error', problems };
  return { kind: 'run', options };
}
