/**
 * The Massive market: one seeded SymbolMarket per ticker, traded by the shared scheduler. Each
 * trade is a `T` event and moves the NBBO (`Q` event); every aggregate window closes one `AM`
 * bar per ticker that traded in it ("if no eligible trades occur within a given minute, no bar
 * is emitted"). Events go to the sink by stream (`T.AAPL`, `Q.AAPL`, `AM.AAPL`); frames are
 * assembled per connection (connection.ts). A closed market trades nothing: sockets stay silent.
 */
import { stockInstrument, type FinnhubInstrument } from '../finnhub/instruments';
import { SymbolMarket } from '../market-state';
import { TradeScheduler } from '../trade-scheduler';
import { UNITS_PER_ONE } from '../fixed-point';
import { aggregateEvent, quoteEvent, tradeEvent, type Bar } from './payloads';

export interface MassiveTicker {
  readonly ticker: string;
  /** Price spec and company name (shared with the Finnhub simulator's US stocks). */
  readonly instrument: FinnhubInstrument;
  readonly market: SymbolMarket;
  /** The bar of the current aggregate window; undefined until the first trade in it. */
  bar: Bar | undefined;
  /** The last trade's time (ms) and id, for the snapshot's `lastTrade`. */
  lastTradeAt: number;
  lastTradeId: number;
}

/** Receives every event (its exact JSON text) on its stream. */
export type MassiveEventSink = (stream: string, eventJson: string, now: number) => void;

export class MassiveFeed {
  readonly tickers: ReadonlyMap<string, MassiveTicker>;
  private readonly scheduler: TradeScheduler<MassiveTicker>;
  private aggregateTimer: NodeJS.Timeout | undefined;
  private windowStart = 0;

  constructor(
    stocks: readonly string[],
    seed: number,
    startedAt: number,
    tradesPerSecond: number,
    private readonly options: {
      readonly aggregateWindowMs: number;
      /** How late event times are (0 real time, 15 minutes delayed). */
      readonly delayMs: number;
      readonly marketOpen: () => boolean;
    },
    private readonly sink: MassiveEventSink,
    private readonly clock: () => number = Date.now,
  ) {
    const list = stocks.map((ticker): MassiveTicker => {
      const instrument = stockInstrument(ticker);
      return {
        ticker,
        instrument,
        market: new SymbolMarket(instrument.spec, seed, startedAt, tradesPerSecond),
        bar: undefined,
        lastTradeAt: 0,
        lastTradeId: 0,
      };
    });
    this.tickers = new Map(list.map((t) => [t.ticker, t]));
    this.scheduler = new TradeScheduler(list, tradesPerSecond, (t, now) => this.trade(t, now), clock);
  }

  start(): void {
    this.scheduler.start();
    this.windowStart = this.alignedNow();
    this.armAggregate();
  }

  stop(): void {
    this.scheduler.stop();
    clearTimeout(this.aggregateTimer);
    this.aggregateTimer = undefined;
  }

  setTradesPerSecond(tradesPerSecond: number): void {
    this.scheduler.setTradesPerSecond(tradesPerSecond);
  }

  private alignedNow(): number {
    const window = this.options.aggregateWindowMs;
    return Math.floor(this.clock() / window) * window;
  }

  private armAggregate(): void {
    const due = this.windowStart + this.options.aggregateWindowMs;
    this.aggregateTimer = setTimeout(() => this.closeWindow(), Math.max(0, due - this.clock()));
  }

  private trade(t: MassiveTicker, now: number): void {
    if (!this.options.marketOpen()) return;
    // A trade past the window's end (its timer not run yet) belongs to the next bar: close this one.
    while (now >= this.windowStart + this.options.aggregateWindowMs) {
      clearTimeout(this.aggregateTimer);
      this.closeWindow();
    }
    const trade = t.market.trade(now);
    const at = now - this.options.delayMs;
    t.lastTradeAt = at;
    t.lastTradeId = trade.id;
    const shares = trade.qty / UNITS_PER_ONE;
    const notional = BigInt(trade.priceTicks) * t.instrument.spec.tickUnits * shares;
    const bar = t.bar;
    if (bar) {
      bar.highTicks = Math.max(bar.highTicks, trade.priceTicks);
      bar.lowTicks = Math.min(bar.lowTicks, trade.priceTicks);
      bar.closeTicks = trade.priceTicks;
      bar.volume += shares;
      bar.notional += notional;
      bar.trades += 1;
    } else {
      t.bar = {
        openTicks: trade.priceTicks,
        highTicks: trade.priceTicks,
        lowTicks: trade.priceTicks,
        closeTicks: trade.priceTicks,
        volume: shares,
        notional,
        trades: 1,
      };
    }
    this.sink(`T.${t.ticker}`, tradeEvent(t.ticker, t.instrument.spec, trade, at), now);
    this.sink(`Q.${t.ticker}`, quoteEvent(t.ticker, t.instrument.spec, t.market.bookTop, at), now);
  }

  /** Closes the window: one AM bar per ticker that traded in it, then the next window. */
  private closeWindow(): void {
    const start = this.windowStart;
    const end = start + this.options.aggregateWindowMs;
    const now = this.clock();
    const delay = this.options.delayMs;
    for (const t of this.tickers.values()) {
      const bar = t.bar;
      t.bar = undefined;
      if (!bar) continue;
      const stats = t.market.snapshot(now).stats;
      const day = { openTicks: stats.openTicks, volume: stats.volume / UNITS_PER_ONE };
      this.sink(
        `AM.${t.ticker}`,
        aggregateEvent(t.ticker, t.instrument.spec, bar, day, start - delay, end - delay),
        now,
      );
    }
    this.windowStart = end;
    this.armAggregate();
  }
}
