/**
 * Which symbols a PriceStream's readers watch, counted per reader: a symbol stays on the
 * connection while any reader still watches it, so fifty components that show BTCUSDT hold it
 * once, and the last one to go releases it.
 */

/** Symbols are case-insensitive to the pods, which name them in capitals. */
export function normalizeSymbol(symbol: string): string {
  return symbol.trim().toUpperCase();
}

export class SymbolInterest {
  private readonly counts = new Map<string, number>();

  /** Counts one more reader of each symbol; returns whether the set of symbols grew. */
  add(symbols: Iterable<string>): boolean {
    let grew = false;
    for (const symbol of symbols) {
      const count = this.counts.get(symbol) ?? 0;
      if (count === 0) grew = true;
      this.counts.set(symbol, count + 1);
    }
    return grew;
  }

  /** Counts one reader fewer of each symbol; returns whether the set of symbols shrank. */
  remove(symbols: Iterable<string>): boolean {
    let shrank = false;
    for (const symbol of symbols) {
      const count = this.counts.get(symbol);
      if (count === undefined) continue;
      if (count <= 1) {
        this.counts.delete(symbol);
        shrank = true;
      } else this.counts.set(symbol, count - 1);
    }
    return shrank;
  }

  /** The watched symbols, sorted. */
  list(): string[] {
    return [...this.counts.keys()].sort();
  }
}
