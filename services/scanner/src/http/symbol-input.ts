/** Watchlist symbols as users write them, made canonical (`coinbase:btc-usd` -> `COINBASE:BTC-USD`). */
import type { ExchangeId } from '@tickwire/core';
import { resolveSymbol } from '@tickwire/exchanges';
import type { FieldProblem } from '@tickwire/service';
import { httpErrors } from './api-errors';

/** Canonical, unique, in the order given; a 400 naming every symbol that is not one. */
export function canonicalSymbols(raw: readonly string[], defaultExchange: ExchangeId): string[] {
  const problems: FieldProblem[] = [];
  const symbols = raw.map((symbol, index) => {
    const canonical = resolveSymbol(symbol, defaultExchange);
    if (canonical === undefined)
      problems.push({
        field: `symbols.${index}`,
        message: `"${symbol.slice(0, 64)}" is not a symbol (BTCUSDT, COINBASE:BTC-USD, FINNHUB:AAPL, MASSIVE:AAPL)`,
      });
    return canonical ?? symbol;
  });
  if (problems.length > 0) throw httpErrors.invalidFields(problems);
  return [...new Set(symbols)];
}
