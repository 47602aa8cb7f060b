/**
 * The enabled strategies of every watched series, as the evaluator reads them: loaded from the
 * catalog when its version moves (one GET per look otherwise), so a scan does not read every
 * strategy from Redis again.
 */
import type { CandleInterval } from '@tickwire/core';
import type { CatalogStore, Strategy } from '../store';

/** One symbol's candles of one interval and the strategies that read them. */
export interface WatchedSeries {
  /** `<interval> <symbol>`. */
  key: string;
  symbol: string;
  interval: CandleInterval;
  strategies: Strategy[];
}

/** Series whose strategies are read from Redis at once while the index is rebuilt. */
const LOAD_CONCURRENCY = 64;

export function seriesKey(symbol: string, interval: CandleInterval): string {
  return `${interval} ${symbol}`;
}

export class StrategyIndex {
  private version = -1;
  private series = new Map<string, WatchedSeries>();
  private loading: Promise<void> | undefined;

  constructor(private readonly catalog: Pick<CatalogStore, 'version' | 'watched' | 'strategiesFor'>) {}

  /** Every watched series as of the catalog's current version. */
  async current(): Promise<ReadonlyMap<string, WatchedSeries>> {
    const version = await this.catalog.version();
    if (version !== this.version) {
      this.loading ??= this.load(version).finally(() => (this.loading = undefined));
      await this.loading;
    }
    return this.series;
  }

  private async load(version: number): Promise<void> {
    const watched = await this.catalog.watched();
    const series = new Map<string, WatchedSeries>();
    for (let start = 0; start < watched.length; start += LOAD_CONCURRENCY) {
      const chunk = watched.slice(start, start + LOAD_CONCURRENCY);
      const loaded = await Promise.all(
        chunk.map(async ({ symbol, interval }) => ({
          key: seriesKey(symbol, interval),
          symbol,
          interval,
          strategies: (await this.catalog.strategiesFor(symbol, interval)).filter((s) => s.enabled),
        })),
      );
      for (const entry of loaded) if (entry.strategies.length > 0) series.set(entry.key, entry);
    }
    // A write between the version read and the load is caught by the next look (version moved).
    this.series = series;
    this.version = version;
  }
}
