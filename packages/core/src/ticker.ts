/**
 * The normalized market-data types every package speaks. Prices and sizes are decimal
 * strings exactly as the exchange sent them (see decimal.ts); times are ms since the epoch.
 */
import type { ExchangeBar } from './candles';

/** Exchanges Tickwire knows how to talk to (the services' `EXCHANGES` and `DEFAULT_EXCHANGE` choices). */
export const EXCHANGE_IDS = ['binance', 'coinbase', 'finnhub', 'massive'] as const;

export type ExchangeId = (typeof EXCHANGE_IDS)[number];

/** Where a value came from: the live WebSocket or the REST polling fallback. */
export type TickerSource = 'ws' | 'rest';

/**
 * A partial update as one exchange message carries it. A bookTicker carries only bid/ask,
 * a trade only last and its quantity; the latest table merges updates into a {@link Ticker}.
 */
export interface TickerUpdate {
  exchange: ExchangeId;
  /** Canonical symbol, e.g. `BTCUSDT` (see symbols.ts). */
  symbol: string;
  last?: string;
  /** Quantity of the last trade, as the exchange reports it. */
  lastQty?: string;
  /**
   * Set only when this update *is* one trade (Binance trade/aggTrade): its quantity. Candles
   * sum it into their volume; it is never carried over from an earlier update.
   */
  tradeQty?: string;
  /**
   * Set only when this update carries the exchange's own bar of an interval that ended (Massive
   * `AM`, one minute): candles take that interval from it. Never carried over either.
   */
  bar?: ExchangeBar;
  bid?: string;
  bidQty?: string;
  ask?: string;
  askQty?: string;
  open?: string;
  high?: string;
  low?: string;
  change?: string;
  changePct?: string;
  baseVolume?: string;
  quoteVolume?: string;
  /** Exchange event time (ms); the receive time when the exchange sends none (spot bookTicker). */
  eventTime: number;
  /** Local receive time (ms). */
  receiveTime: number;
  source?: TickerSource;
  /**
   * Set on an asset's tickers only (a name the operator serves from an ordered list of
   * sources): the canonical symbol this ticker was taken from, e.g. `COINBASE:BTC-USD`.
   */
  origin?: string;
}

/** The merged latest view of one symbol, as served to clients. */
export interface Ticker extends TickerUpdate {
  source: TickerSource;
}

/**
 * Merge an update into the previous ticker of the same symbol. Fields the update does not
 * carry keep their previous value; times and source always come from the update. An update of
 * another `origin` replaces the ticker whole.
 */
export function mergeTicker(previous: Ticker | undefined, update: TickerUpdate): Ticker {
  // A ticker from another origin (an asset that switched sources) starts afresh: no field of
  // the old source may be served as if the new one had sent it.
  if (previous !== undefined && previous.origin !== update.origin) previous = undefined;
  const merged = { ...previous, ...stripUndefined(update), source: update.source ?? 'ws' } as Ticker;
  if (update.tradeQty === undefined) delete merged.tradeQty;
  if (update.bar === undefined) delete merged.bar;
  // A newer exchange event never moves the clock backwards for clients.
  if (previous && previous.eventTime > update.eventTime) merged.eventTime = previous.eventTime;
  return merged;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}
