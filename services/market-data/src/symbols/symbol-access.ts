/**
 * Which symbols clients may ask this pod for, and how their asking reaches the leader: the
 * configured symbols and assets always; with dynamic symbols, also any symbol the exchanges
 * list, which is then registered as wanted so the leader subscribes it. An asset's name wins
 * over a bare symbol of the default exchange written the same way.
 */
import type { ExchangeId } from '@tickwire/core';
import { resolveSymbol } from '@tickwire/exchanges';
import type { LocalInterest } from './local-interest';
import type { SymbolCatalog, SymbolLookup } from './symbol-catalog';

export interface SymbolAccessOptions {
  /** The configured symbols, canonical, in configured order. */
  configured: readonly string[];
  /** The names of the configured assets (ASSETS), canonical; the leader always carries them. */
  assets?: readonly string[];
  /** Bare symbols belong to this exchange. */
  defaultExchange: ExchangeId;
  /** The exchanges' symbol lists; undefined when clients may only ask for configured symbols. */
  catalog: SymbolCatalog | undefined;
  interest: Pick<LocalInterest, 'want'>;
}

export class SymbolAccess {
  private readonly configuredSet: ReadonlySet<string>;

  private readonly assets: ReadonlySet<string>;
  private readonly served: readonly string[];

  constructor(private readonly options: SymbolAccessOptions) {
    this.assets = new Set(options.assets);
    this.served = [...options.configured, ...this.assets];
    this.configuredSet = new Set(this.served);
  }

  /** The configured symbols, then the assets (what a request without `symbols=` gets). */
  get configured(): readonly string[] {
    return this.served;
  }

  /** A symbol as a client wrote it, made canonical (`coinbase:btc-usd` -> `COINBASE:BTC-USD`). */
  canonical(raw: string): string | undefined {
    const asset = raw.trim().toUpperCase();
    if (this.assets.has(asset)) return asset;
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
