/**
 * Assets: names the operator serves from an ordered list of sources on different venues
 * (`ASSETS=BTC-USD=COINBASE:BTC-USD|BTCUSDT`). This file reads the setting; the leader picks
 * the source (leader/asset-router.ts).
 */
import { canonicalSymbol, type ExchangeId } from '@tickwire/core';
import { fromCanonicalSymbol, resolveSymbol } from '@tickwire/exchanges';

export interface AssetSpec {
  /** The name clients ask for (`BTC-USD`), canonical. */
  name: string;
  /** Canonical source symbols, the preferred one first. */
  sources: string[];
}

/**
 * Parses `ASSETS`: a comma list of `<name>=<source>|<source>|...`, sources written like
 * `SYMBOLS` (bare ones belong to the default exchange). Returns every problem at once.
 */
export function parseAssets(
  raw: string,
  defaultExchange: ExchangeId,
  exchanges: readonly ExchangeId[],
): { assets: AssetSpec[]; problems: string[] } {
  const assets: AssetSpec[] = [];
  const problems: string[] = [];
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const equals = part.indexOf('=');
    if (equals < 0) {
      problems.push(`${part.trim()}: expected <name>=<source>|<source>...`);
      continue;
    }
    const name = canonicalSymbol(part.slice(0, equals));
    const label = part.slice(0, equals).trim();
    if (name === undefined || name.includes(':')) {
      problems.push(`${label}: an asset name is letters, digits and -_./ (no exchange prefix)`);
      continue;
    }
    // The name shares the latest table with symbols: it must not be one.
    if (fromCanonicalSymbol(name) !== undefined) {
      problems.push(
        `${name}: is a symbol of ${fromCanonicalSymbol(name)!.exchange}; name the asset differently (BTC-USD)`,
      );
      continue;
    }
    if (assets.some((asset) => asset.name === name)) {
      problems.push(`${name}: defined twice`);
      continue;
    }
    const sources: string[] = [];
    for (const written of part.slice(equals + 1).split('|')) {
      const source = resolveSymbol(written, defaultExchange);
      const exchange = source === undefined ? undefined : fromCanonicalSymbol(source)?.exchange;
      if (source === undefined || exchange === undefined)
        problems.push(`${name}: ${written.trim() || '(empty)'} is not a symbol of ${defaultExchange}`);
      else if (!exchanges.includes(exchange))
        problems.push(`${name}: ${source} is a ${exchange} symbol but EXCHANGES is ${exchanges.join(',')}`);
      else if (sources.includes(source)) problems.push(`${name}: ${source} is listed twice`);
      else sources.push(source);
    }
    if (sources.length > 0) assets.push({ name, sources });
  }
  return { assets, problems };
}

/** Every source symbol of the assets, once each. */
export function assetSources(assets: readonly AssetSpec[]): string[] {
  return [...new Set(assets.flatMap((asset) => asset.sources))];
}
