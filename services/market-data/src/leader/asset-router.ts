/**
 * Assets on the leader: each asset follows the first healthy source of its list, and every
 * update of that source is also published as the asset's ticker, marked with its `origin`.
 *
 * Why the leader: the choice then goes through the one fenced write like every other tick, so
 * every pod serves the same source at the same stream position, a client resumes an asset on
 * any pod (Redis engine) exactly as it resumes a symbol, and a new leader continues from the
 * origin the last one left in the latest table. Pods only read `origin`; none decides.
 *
 * A source is healthy while its venue's connection is open and it delivered a tick within
 * `staleMs`. The asset leaves an unhealthy source at once for the first healthy one; it goes
 * back to an earlier source only once that one has been healthy for `switchBackMs` without a
 * break. With no healthy source it stays where it is (its price is then served stale). A new
 * leader moves nothing for its first `staleMs`: its venues are connecting.
 *
 * The router sits between the upstreams and the publisher, so a tick crosses each file once.
 */
import { mergeTicker, type ExchangeId, type Lifecycle, type Ticker, type TickerUpdate } from '@tickwire/core';
import { fromCanonicalSymbol } from '@tickwire/exchanges';
import type { Logger } from '@tickwire/observability';
import type { AssetSpec } from '../assets/asset-spec';

export interface AssetRouterOptions {
  assets: readonly AssetSpec[];
  /** A source that delivered nothing for this long is unhealthy (ms). */
  staleMs: number;
  /** An earlier source must be healthy this long before the asset returns to it (ms). */
  switchBackMs: number;
  /** Whether the venue's upstream is connected and delivering (its connection `open`). */
  venueUp(exchange: ExchangeId): boolean;
  /** The source an asset was served from when this leader took over (its latest ticker's origin). */
  servedFrom(asset: string): string | undefined;
  /** Gets the updates, each asset ticker right after the update of its source (called directly: no closure of the assembler on the tick's path). */
  publisher: { publish(updates: TickerUpdate[]): void };
  onSwitch?(asset: string, from: string, to: string): void;
  logger: Logger;
  now?: () => number;
}

interface SourceState {
  /** The source's merged ticker as this leader saw it, so an asset ticker carries every field of it. */
  latest: Ticker | undefined;
  lastTickAt: number | undefined;
  /** Since when it has been healthy without a break; undefined while unhealthy. */
  healthySince: number | undefined;
}

/** Health is looked at this many times per stale period, at most every 250 ms. */
const CHECKS_PER_STALE_PERIOD = 4;
const MAX_CHECK_MS = 250;

export class AssetRouter implements Lifecycle {
  private readonly sources = new Map<string, SourceState>();
  /** Per source symbol, the assets it serves now. */
  private readonly servingFrom = new Map<string, AssetSpec[]>();
  private readonly active = new Map<string, string>();
  private readonly now: () => number;
  /** When this leader took over: the venues connect meanwhile, so no asset moves for `staleMs`. */
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AssetRouterOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    for (const asset of options.assets) {
      for (const source of asset.sources)
        if (!this.sources.has(source))
          this.sources.set(source, { latest: undefined, lastTickAt: undefined, healthySince: undefined });
      const previous = options.servedFrom(asset.name);
      this.activate(
        asset,
        previous !== undefined && asset.sources.includes(previous) ? previous : asset.sources[0]!,
      );
    }
  }

  async start(): Promise<void> {
    if (this.timer || this.options.assets.length === 0) return;
    const checkMs = Math.max(
      10,
      Math.min(MAX_CHECK_MS, Math.floor(this.options.staleMs / CHECKS_PER_STALE_PERIOD)),
    );
    this.timer = setInterval(() => this.check(), checkMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The source each asset follows now. */
  selection(): Record<string, string> {
    return Object.fromEntries(this.active);
  }

  /** Publishes the updates, each followed by the ticker of every asset its symbol serves now. */
  publish(updates: TickerUpdate[]): void {
    if (this.sources.size === 0) return this.options.publisher.publish(updates);
    const now = this.now();
    const out: TickerUpdate[] = [];
    for (const update of updates) {
      out.push(update);
      const state = this.sources.get(update.symbol);
      if (!state) continue;
      state.latest = mergeTicker(state.latest, update);
      state.lastTickAt = now;
      for (const asset of this.servingFrom.get(update.symbol) ?? [])
        out.push(assetTicker(asset, state.latest));
    }
    this.options.publisher.publish(out);
  }

  /** Brings each source's health up to date and moves assets whose source it requires. */
  check(): void {
    const now = this.now();
    for (const [symbol, state] of this.sources) {
      const healthy = this.isHealthy(symbol, state, now);
      if (!healthy) state.healthySince = undefined;
      else state.healthySince ??= now;
    }
    // Every venue connects anew when a leader starts: the one that answers first must not win.
    if (now - this.startedAt < this.options.staleMs) return;
    for (const asset of this.options.assets) {
      const current = this.active.get(asset.name)!;
      const next = this.choose(asset, current, now);
      if (next !== current) this.switchTo(asset, current, next);
    }
  }

  private choose(asset: AssetSpec, current: string, now: number): string {
    const healthy = (symbol: string) => this.sources.get(symbol)!.healthySince !== undefined;
    if (!healthy(current)) return asset.sources.find(healthy) ?? current;
    for (const symbol of asset.sources) {
      if (symbol === current) break;
      const since = this.sources.get(symbol)!.healthySince;
      if (since !== undefined && now - since >= this.options.switchBackMs) return symbol;
    }
    return current;
  }

  private switchTo(asset: AssetSpec, from: string, to: string): void {
    this.activate(asset, to);
    this.options.logger.warn({ asset: asset.name, from, to }, 'asset switched source');
    this.options.onSwitch?.(asset.name, from, to);
    // The new source's latest price is the asset's at once, not only from its next update.
    const latest = this.sources.get(to)!.latest;
    if (latest) {
      const { tradeQty: _counted, ...price } = assetTicker(asset, latest);
      this.options.publisher.publish([price]);
    }
  }

  private activate(asset: AssetSpec, source: string): void {
    const previous = this.active.get(asset.name);
    if (previous !== undefined) {
      const left = (this.servingFrom.get(previous) ?? []).filter((served) => served !== asset);
      if (left.length > 0) this.servingFrom.set(previous, left);
      else this.servingFrom.delete(previous);
    }
    this.active.set(asset.name, source);
    this.servingFrom.set(source, [...(this.servingFrom.get(source) ?? []), asset]);
  }

  private isHealthy(symbol: string, state: SourceState, now: number): boolean {
    const exchange = fromCanonicalSymbol(symbol)?.exchange;
    return (
      exchange !== undefined &&
      this.options.venueUp(exchange) &&
      state.lastTickAt !== undefined &&
      now - state.lastTickAt < this.options.staleMs
    );
  }
}

/** The asset's ticker from its source's: every field of the source, under the asset's name. */
function assetTicker(asset: AssetSpec, source: Ticker): TickerUpdate {
  return { ...source, symbol: asset.name, origin: source.symbol };
}
