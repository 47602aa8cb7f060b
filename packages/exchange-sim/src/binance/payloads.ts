/**
 * Binance Spot WebSocket payloads, built with their keys in the documented wire order
 * (exchanges.md 1.3) so JSON.stringify produces the same shape as the real feed. Prices and
 * quantities are 8-decimal strings from integer arithmetic; ids, times and counts are integers.
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 */
import type { CandleSnapshot } from './candle';
import { UNITS_PER_ONE, divideRounded, formatPercent3, formatUnits } from '../fixed-point';
import type { BookTop, MarketSnapshot, Trade } from '../market-state';
import { ROLLING_WINDOW_MS } from '../rolling-window';
import type { SymbolSpec } from '../symbol-catalog';

/** Stream name of the shutdown notice on combined connections. */
export const SERVER_SHUTDOWN_STREAM = '!serverShutdown';

export function priceText(spec: SymbolSpec, ticks: number): string {
  return formatUnits(BigInt(ticks) * spec.tickUnits);
}

/** Quote amounts are kept in 1e-16 (price x qty); Binance prints them truncated to 8 decimals. */
export function quoteText(quote16: bigint): string {
  return formatUnits(quote16 / UNITS_PER_ONE);
}

/** Derived ticker figures shared by the WS ticker and REST ticker/24hr. */
export interface TickerFigures {
  priceChange: string;
  priceChangePercent: string;
  weightedAvgPrice: string;
  prevClosePrice: string;
  lastPrice: string;
  lastQty: string;
  bidPrice: string;
  bidQty: string;
  askPrice: string;
  askQty: string;
  openPrice: string;
  highPrice: string;
  lowPrice: string;
  volume: string;
  quoteVolume: string;
  openTime: number;
  closeTime: number;
  firstId: number;
  lastId: number;
  count: number;
}

export function tickerFigures(snap: MarketSnapshot, now: number): TickerFigures {
  const { spec, stats, book } = snap;
  const lastUnits = BigInt(snap.lastTicks) * spec.tickUnits;
  const openUnits = BigInt(stats.openTicks) * spec.tickUnits;
  const change = lastUnits - openUnits;
  // Weighted average = quote volume (1e-16) / base volume (1e-8) = a price in 1e-8 units.
  const weighted = stats.volume === 0n ? 0n : divideRounded(stats.quoteVolume, stats.volume);
  return {
    priceChange: formatUnits(change),
    priceChangePercent: formatPercent3(change, openUnits),
    weightedAvgPrice: formatUnits(weighted),
    prevClosePrice: priceText(spec, stats.prevCloseTicks),
    lastPrice: formatUnits(lastUnits),
    lastQty: formatUnits(snap.lastQty),
    bidPrice: priceText(spec, book.bidTicks),
    bidQty: formatUnits(book.bidQty),
    askPrice: priceText(spec, book.askTicks),
    askQty: formatUnits(book.askQty),
    openPrice: formatUnits(openUnits),
    highPrice: priceText(spec, stats.highTicks),
    lowPrice: priceText(spec, stats.lowTicks),
    volume: formatUnits(stats.volume),
    quoteVolume: quoteText(stats.quoteVolume),
    openTime: now - ROLLING_WINDOW_MS,
    closeTime: now,
    firstId: stats.firstId,
    lastId: stats.lastId,
    count: stats.count,
  };
}

/** `<symbol>@ticker` (24hrTicker). */
export function tickerPayload(snap: MarketSnapshot, now: number): object {
  const f = tickerFigures(snap, now);
  return {
    e: '24hrTicker',
    E: now,
    s: snap.spec.symbol,
    p: f.priceChange,
    P: f.priceChangePercent,
    w: f.weightedAvgPrice,
    x: f.prevClosePrice,
    c: f.lastPrice,
    Q: f.lastQty,
    b: f.bidPrice,
    B: f.bidQty,
    a: f.askPrice,
    A: f.askQty,
    o: f.openPrice,
    h: f.highPrice,
    l: f.lowPrice,
    v: f.volume,
    q: f.quoteVolume,
    O: f.openTime,
    C: f.closeTime,
    F: f.firstId,
    L: f.lastId,
    n: f.count,
  };
}

/** `<symbol>@miniTicker` and each element of `!miniTicker@arr` (24hrMiniTicker). */
export function miniTickerPayload(snap: MarketSnapshot, eventTime: number): object {
  const { spec, stats } = snap;
  return {
    e: '24hrMiniTicker',
    E: eventTime,
    s: spec.symbol,
    c: priceText(spec, snap.lastTicks),
    o: priceText(spec, stats.openTicks),
    h: priceText(spec, stats.highTicks),
    l: priceText(spec, stats.lowTicks),
    v: formatUnits(stats.volume),
    q: quoteText(stats.quoteVolume),
  };
}

/** `<symbol>@trade`, current shape: no `b`/`a` order ids (removed 2024-06-18). */
export function tradePayload(spec: SymbolSpec, trade: Trade): object {
  return {
    e: 'trade',
    E: trade.eventTime,
    s: spec.symbol,
    t: trade.id,
    p: priceText(spec, trade.priceTicks),
    q: formatUnits(trade.qty),
    T: trade.time,
    m: trade.buyerIsMaker,
    M: true,
  };
}

/** `<symbol>@aggTrade`: one trade per aggregate, so `a` increases by exactly 1 per event. */
export function aggTradePayload(spec: SymbolSpec, trade: Trade): object {
  return {
    e: 'aggTrade',
    E: trade.eventTime,
    s: spec.symbol,
    a: trade.aggId,
    p: priceText(spec, trade.priceTicks),
    q: formatUnits(trade.qty),
    f: trade.id,
    l: trade.id,
    T: trade.time,
    m: trade.buyerIsMaker,
    M: true,
  };
}

/** `<symbol>@bookTicker`: spot carries no `e`, `E` or `T`. */
export function bookTickerPayload(spec: SymbolSpec, book: BookTop): object {
  return {
    u: book.updateId,
    s: spec.symbol,
    b: priceText(spec, book.bidTicks),
    B: formatUnits(book.bidQty),
    a: priceText(spec, book.askTicks),
    A: formatUnits(book.askQty),
  };
}

/** `<symbol>@kline_<interval>`; `B` is the documented "Ignore" field, "0" on the live feed. */
export function klinePayload(spec: SymbolSpec, candle: CandleSnapshot, eventTime: number): object {
  return {
    e: 'kline',
    E: eventTime,
    s: spec.symbol,
    k: {
      t: candle.openTime,
      T: candle.closeTime,
      s: spec.symbol,
      i: candle.interval,
      f: candle.firstId,
      L: candle.lastId,
      o: priceText(spec, candle.openTicks),
      c: priceText(spec, candle.closeTicks),
      h: priceText(spec, candle.highTicks),
      l: priceText(spec, candle.lowTicks),
      v: formatUnits(candle.volume),
      n: candle.count,
      x: candle.closed,
      q: quoteText(candle.quoteVolume),
      V: formatUnits(candle.takerBuyVolume),
      Q: quoteText(candle.takerBuyQuoteVolume),
      B: '0',
    },
  };
}

/** The `serverShutdown` notice sent before the connection-age cut. */
export function serverShutdownPayload(now: number): object {
  return { e: 'serverShutdown', E: now };
}
