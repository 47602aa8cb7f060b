/**
 * Which symbols clients may ask this pod for, and how their asking reaches the leader: the
 * configured symbols always; with dynamic symbols, also any symbol the exchanges list, which
 * is then registered as wanted so the leader subscribes it.
 */
import type { ExchangeId } from '@tickwire/core';
import { resolveSymbol } from '@tickwire/exchanges';
import type { LocalInterest } from './local-interest';
import type { SymbolCatalog, SymbolLookup } from './symbol-catalog';

export interface SymbolAccessOptions {
  /** The configured symbols, canonical, in configured order. */
  configured: readonly string[];
  /** Bare symbols belong to this exchange. */
  defaultExchange: ExchangeId;
  /** The exchanges' symbol lists; undefined when clients may only ask for configured symbols. */
  catalog: SymbolCatalog | undefined;
  interest: Pick<LocalInterest, 'want'>;
}

export class SymbolAccess {
  private readonly configuredSet: ReadonlySet<string>;

  constructor(private readonly options: SymbolAccessOptions) {
    this.configuredSet = new Set(options.configured);
  }

  /** The configured symbols, in configured order (what a request without `symbols=` gets). */
  get configured(): readonly string[] {
    return this.options.configured;
  }

  /** A symbol as a client wrote it, made canonical (`coinbase:btc-usd` -> `COINBASE:BTC-USD`). */
  canonical(raw: string): string | undefined {
    return resolveSymbol(raw, this.options.defaultExchange);
  }

  /** Configured symbols are known; others when the exchange lists them (and clients may pick). */
  lookup(symbol: string): SymbolLookup {
    if (this.configuredSet.has(symbol)) return 'known';
    return this.options.catalog?.lookup(symbol) ?? 'unknown';
  }

  /** Registers symbols clients asked for, so the leader carries them; configured ones always are. */
  want(symbols: Iterable<string>): void {
    if (!this.options.catalog) return;
    const extra: string[] = [];
    for (const symbol of symbols) if (!this.configuredSet.has(symbol)) extra.push(symbol);
    if (extra.length > 0) this.options.interest.want(extra);
  }
}
