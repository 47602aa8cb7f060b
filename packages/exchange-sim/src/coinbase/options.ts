/**
 * Options of the Coinbase Exchange simulator: exported defaults (Coinbase's documented values),
 * merged with what the caller passes and validated once, every problem reported together.
 */
import { MAX_TIMER_MS, MAX_TRADES_PER_SECOND } from '../options';
import { mergeOptions, OptionChecker } from '../option-checks';
import { DEFAULT_COINBASE_PRODUCTS, PRODUCT_ID_RE, coinbaseProduct, type CoinbaseProduct } from './products';

/**
 * What heartbeats carry in `last_trade_id`: 0 (reported to be always 0 on the live feed,
 * go-coinbasepro#89) or the product's last trade id (the docs' example).
 */
export type HeartbeatTradeIdMode = 'zero' | 'last-trade';
export const HEARTBEAT_TRADE_ID_MODES: readonly HeartbeatTradeIdMode[] = ['zero', 'last-trade'];

/** Options of {@link startCoinbaseSim}. Every duration is in milliseconds; all are optional. */
export interface CoinbaseSimOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Seed of every price path and of the acknowledgement order. Default 1. */
  seed?: number;
  /** Product ids (BASE-QUOTE). Default BTC-USD, ETH-USD, SOL-USD, ETH-BTC, BTC-EUR. */
  products?: string[];
  /** Trades per second per product (each a match and a ticker). Default 5. */
  tradesPerSecond?: number;
  /** A connection without a successful subscribe is cut after this long. Default 5000. */
  subscribeDeadlineMs?: number;
  /** Heartbeat period per product. Default 1000. */
  heartbeatIntervalMs?: number;
  /** `last_trade_id` of heartbeats. Default 'zero' (as observed live). */
  heartbeatLastTradeId?: HeartbeatTradeIdMode;
  /** Client messages per rolling second before close 1008. Default 100. */
  maxClientMessagesPerSecond?: number;
  /** REST requests per second, refilled continuously into a bucket of `restBurst`; 429 when empty. Default 10. */
  restRequestsPerSecond?: number;
  /** REST requests allowed at once (the bucket's size). Default 15. */
  restBurst?: number;
  /** The first ticker of a product predates the start by up to this much. Default 30000. */
  maxInitialTickerAgeMs?: number;
}

export interface ResolvedCoinbaseSimOptions extends Required<Omit<CoinbaseSimOptions, 'products'>> {
  readonly products: readonly CoinbaseProduct[];
}

/** Coinbase Exchange's documented values. */
export const DEFAULT_COINBASE_SIM_OPTIONS: Readonly<Required<CoinbaseSimOptions>> = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  seed: 1,
  products: [...DEFAULT_COINBASE_PRODUCTS],
  tradesPerSecond: 5,
  subscribeDeadlineMs: 5_000,
  heartbeatIntervalMs: 1_000,
  heartbeatLastTradeId: 'zero',
  maxClientMessagesPerSecond: 100,
  restRequestsPerSecond: 10,
  restBurst: 15,
  maxInitialTickerAgeMs: 30_000,
});

export function resolveCoinbaseSimOptions(options: CoinbaseSimOptions = {}): ResolvedCoinbaseSimOptions {
  const merged = mergeOptions<Required<CoinbaseSimOptions>>(DEFAULT_COINBASE_SIM_OPTIONS, options);
  const check = new OptionChecker(merged, 'coinbase-sim');
  check.nonEmptyString('host');
  check.int('port', 0, 65_535);
  check.int('seed', -0x80000000, 0xffffffff);
  const products = check.stringList(
    'products',
    (id) => PRODUCT_ID_RE.test(id),
    'product ids such as "BTC-USD" (uppercase BASE-QUOTE)',
  );
  check.number('tradesPerSecond', 0, MAX_TRADES_PER_SECOND);
  check.int('subscribeDeadlineMs', 1, MAX_TIMER_MS);
  check.int('heartbeatIntervalMs', 1, MAX_TIMER_MS);
  check.oneOf('heartbeatLastTradeId', HEARTBEAT_TRADE_ID_MODES);
  check.int('maxClientMessagesPerSecond', 1, 1_000_000);
  check.int('restRequestsPerSecond', 1, 1_000_000);
  check.int('restBurst', 1, 1_000_000);
  check.int('maxInitialTickerAgeMs', 0, MAX_TIMER_MS);
  check.throwIfAny();
  return { ...merged, seed: merged.seed >>> 0, products: products.map(coinbaseProduct) };
}
