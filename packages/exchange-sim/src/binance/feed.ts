/**
 * Drives the simulated market: executes trades at the configured rate and emits @trade,
 * @aggTrade and @bookTicker per trade, @ticker / @miniTicker / !miniTicker@arr on the ticker
 * cadence and klines on the kline cadence. It generates events whether or not anyone listens
 * (they land in the event log), except klines, which exist only while their stream has a
 * subscriber (16 intervals x every symbol would otherwise dominate the work).
 */
import { Candle } from './candle';
import type { MarketSnapshot, SymbolMarket } from '../market-state';
import { hashString } from '../prng';
import type { StreamActivityListener } from '../stream-hub';
import { ALL_MINI_TICKERS_STREAM, parseStreamName } from './stream-names';
import {
  aggTradePayload,
  bookTickerPayload,
  klinePayload,
  miniTickerPayload,
  tickerPayload,
  tradePayload,
} from './payloads';
import { TradeScheduler } from '../trade-scheduler';

export { MAX_TRADES_PER_TICK, MAX_TRADE_TICK_MS, MIN_TRADE_TICK_MS } from '../trade-scheduler';

/** Receives every generated event. */
export type FeedSink = (stream: string, payload: object, now: number) => void;

/** Binance pushes 1s klines every second, whatever the cadence of the other intervals. */
export const ONE_SECOND_KLINE_CADENCE_MS = 1_000;

export interface MarketFeedOptions {
  readonly tradesPerSecond: number;
  readonly tickerIntervalMs: number;
  readonly klineIntervalMs: number;
}

interface ActiveCandle {
  readonly stream: string;
  readonly market: SymbolMarket;
  readonly candle: Candle;
}

export class MarketFeed implements StreamActivityListener {
  private readonly bySymbol: ReadonlyMap<string, SymbolMarket>;
  private readonly symbolSet: ReadonlySet<string>;
  /** Fixed, hash-based order of !miniTicker@arr elements: Binance's array is not sorted by E. */
  private readonly arrayOrder: readonly SymbolMarket[];
  private readonly candles = new Map<string, ActiveCandle>();
  private readonly candlesBySymbol = new Map<string, Set<ActiveCandle>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly trades: TradeScheduler<SymbolMarket>;

  constructor(
    private readonly markets: readonly SymbolMarket[],
    private readonly options: MarketFeedOptions,
    private readonly sink: FeedSink,
    private readonly clock: () => number = Date.now,
  ) {
    this.bySymbol = new Map(markets.map((m) => [m.spec.symbol, m]));
    this.symbolSet = new Set(this.bySymbol.keys());
    this.arrayOrder = [...markets].sort((a, b) => hashString(a.spec.symbol) - hashString(b.spec.symbol));
    this.trades = new TradeScheduler(
      markets,
      options.tradesPerSecond,
      (market, now) => this.emitTrade(market, now),
      clock,
    );
  }

  start(): void {
    if (this.timers.length > 0) return;
    this.trades.start();
    this.timers.push(setInterval(() => this.emitTickers(), this.options.tickerIntervalMs));
    this.timers.push(setInterval(() => this.emitKlines(false), this.options.klineIntervalMs));
    this.timers.push(
      setInterval(
        () => this.emitKlines(true),
        Math.min(ONE_SECOND_KLINE_CADENCE_MS, this.options.klineIntervalMs),
      ),
    );
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    this.trades.stop();
  }

  /**
   * Changes the trade rate of a running feed (benchmarks drive the load this way without
   * reconnecting anyone). The schedule restarts from now, so no backlog is replayed.
   */
  setTradesPerSecond(tradesPerSecond: number): void {
    this.trades.setTradesPerSecond(tradesPerSecond);
  }

  onStreamActive(stream: string): void {
    const d = parseStreamName(stream, this.symbolSet);
    if (d?.kind !== 'kline') return;
    const market = this.bySymbol.get(d.symbol);
    if (!market) return;
    const now = this.clock();
    const candle = new Candle(d.interval, now, market.lastPriceTicks, market.bucketsFrom(0));
    const active: ActiveCandle = { stream, market, candle };
    this.candles.set(stream, active);
    let set = this.candlesBySymbol.get(d.symbol);
    if (!set) {
      set = new Set();
      this.candlesBySymbol.set(d.symbol, set);
    }
    set.add(active);
  }

  onStreamIdle(stream: string): void {
    const active = this.candles.get(stream);
    if (!active) return;
    this.candles.delete(stream);
    this.candlesBySymbol.get(active.market.spec.symbol)?.delete(active);
  }

  private emitTrade(market: SymbolMarket, now: number): void {
    const trade = market.trade(now);
    const spec = market.spec;
    const prefix = market.streamSymbol;
    this.sink(`${prefix}@trade`, tradePayload(spec, trade), now);
    this.sink(`${prefix}@aggTrade`, aggTradePayload(spec, trade), now);
    this.sink(`${prefix}@bookTicker`, bookTickerPayload(spec, market.bookTop), now);
    const active = this.candlesBySymbol.get(spec.symbol);
    if (!active) return;
    const windowTrade = {
      time: trade.time,
      id: trade.id,
      priceTicks: trade.priceTicks,
      qty: trade.qty,
      quote: market.quoteOf(trade.priceTicks, trade.qty),
      takerBuy: !trade.buyerIsMaker,
    };
    for (const { stream, candle } of active) {
      const closed = candle.rollIfDue(trade.time, trade.priceTicks);
      if (closed) this.sink(stream, klinePayload(spec, closed, now), now);
      candle.applyTrade(windowTrade);
    }
  }

  private emitTickers(): void {
    const now = this.clock();
    const snapshots = new Map<SymbolMarket, MarketSnapshot>();
    for (const market of this.markets) {
      const snap = market.snapshot(now);
      snapshots.set(market, snap);
      const prefix = market.streamSymbol;
      this.sink(`${prefix}@ticker`, tickerPayload(snap, now), now);
      this.sink(`${prefix}@miniTicker`, miniTickerPayload(snap, now), now);
    }
    const changed: object[] = [];
    for (const market of this.arrayOrder) {
      const snap = snapshots.get(market);
      // Each element carries its own E: the time of that symbol's last update.
      if (market.takeChanged() && snap) changed.push(miniTickerPayload(snap, market.lastEventTime));
    }
    if (changed.length > 0) this.sink(ALL_MINI_TICKERS_STREAM, changed, now);
  }

  private emitKlines(oneSecond: boolean): void {
    const now = this.clock();
    for (const { stream, market, candle } of this.candles.values()) {
      if ((candle.interval === '1s') !== oneSecond) continue;
      const closed = candle.rollIfDue(now, market.lastPriceTicks);
      this.sink(stream, klinePayload(market.spec, closed ?? candle.snapshot(), now), now);
    }
  }
}
