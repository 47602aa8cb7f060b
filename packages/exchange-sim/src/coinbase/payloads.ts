/**
 * Coinbase Exchange message and body shapes (exchanges.md 3.1), keys in the order of the
 * recorded feed. Every decimal is a string, with the varying precision of the live feed:
 * prices and 24 h figures trimmed (`"59800"`, `"56873.8"`), best bid/ask at the product's
 * price step (`"58800.00"`), volumes and book sizes at 8 decimals, trade sizes trimmed
 * (`"0.05"`). Times are ISO-8601 UTC with microseconds.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/channels
 */
import { formatUnits, formatUnitsFixed, trimDecimal } from '../fixed-point';
import type { BookTop, MarketSnapshot } from '../market-state';
import type { CoinbaseProduct } from './products';

/** Channels the simulator serves (the adapter's set). */
export const COINBASE_SIM_CHANNELS = ['ticker', 'heartbeat', 'matches'] as const;
export type CoinbaseSimChannel = (typeof COINBASE_SIM_CHANNELS)[number];

export function isSimChannel(name: string): name is CoinbaseSimChannel {
  return (COINBASE_SIM_CHANNELS as readonly string[]).includes(name);
}

/** Stream name of a product on a channel, as the adapter and the event log name it: `ticker:BTC-USD`. */
export function coinbaseStream(channel: CoinbaseSimChannel, productId: string): string {
  return `${channel}:${productId}`;
}

/** `2021-04-17T16:43:30.244075Z`: a millisecond time plus three sub-millisecond digits. */
export function isoMicros(timeMs: number, micros: number): string {
  const iso = new Date(timeMs).toISOString();
  return `${iso.slice(0, -1)}${String(Math.trunc(micros) % 1000).padStart(3, '0')}Z`;
}

/** A price trimmed of trailing zeros (`"14.7775"`, `"59800"`). */
export function priceText(product: CoinbaseProduct, ticks: number): string {
  return trimDecimal(formatUnits(BigInt(ticks) * product.spec.tickUnits));
}

/** A price at the product's step (`"58800.00"`), as best_bid/best_ask come. */
export function stepPriceText(product: CoinbaseProduct, ticks: number): string {
  return formatUnitsFixed(BigInt(ticks) * product.spec.tickUnits, product.priceDecimals);
}

/** Taker side of a trade: a buyer-maker trade was a sell by the taker. */
export type Side = 'buy' | 'sell';

/** What one ticker (or last_match) is made of, beyond the market snapshot. */
export interface TradeFacts {
  readonly sequence: number;
  readonly tradeId: number;
  readonly takerSide: Side;
  readonly time: string;
  readonly sizeUnits: bigint;
}

export function tickerPayload(
  product: CoinbaseProduct,
  snapshot: MarketSnapshot,
  book: BookTop,
  facts: TradeFacts,
  volume30dUnits: bigint,
): Record<string, string | number> {
  const { stats } = snapshot;
  return {
    type: 'ticker',
    sequence: facts.sequence,
    product_id: product.id,
    price: priceText(product, snapshot.lastTicks),
    open_24h: priceText(product, stats.openTicks),
    volume_24h: formatUnits(stats.volume),
    low_24h: priceText(product, stats.lowTicks),
    high_24h: priceText(product, stats.highTicks),
    volume_30d: formatUnits(volume30dUnits),
    best_bid: stepPriceText(product, book.bidTicks),
    best_bid_size: formatUnits(book.bidQty),
    best_ask: stepPriceText(product, book.askTicks),
    best_ask_size: formatUnits(book.askQty),
    side: facts.takerSide,
    time: facts.time,
    trade_id: facts.tradeId,
    last_size: trimDecimal(formatUnits(facts.sizeUnits)),
  };
}

/**
 * `match` (or `last_match`, the replay right after subscribing). Its `side` is the MAKER's
 * side, the opposite of the ticker's taker side.
 */
export function matchPayload(
  type: 'match' | 'last_match',
  product: CoinbaseProduct,
  priceTicks: number,
  facts: TradeFacts,
  makerOrderId: string,
  takerOrderId: string,
): Record<string, string | number> {
  return {
    type,
    trade_id: facts.tradeId,
    maker_order_id: makerOrderId,
    taker_order_id: takerOrderId,
    side: facts.takerSide === 'buy' ? 'sell' : 'buy',
    size: trimDecimal(formatUnits(facts.sizeUnits)),
    price: priceText(product, priceTicks),
    product_id: product.id,
    sequence: facts.sequence,
    time: facts.time,
  };
}

export function heartbeatPayload(
  productId: string,
  sequence: number,
  lastTradeId: number,
  time: string,
): Record<string, string | number> {
  return { type: 'heartbeat', sequence, last_trade_id: lastTradeId, product_id: productId, time };
}

/** The cumulative acknowledgement: every channel with its products. */
export function subscriptionsText(channels: ReadonlyArray<readonly [string, readonly string[]]>): string {
  return JSON.stringify({
    type: 'subscriptions',
    channels: channels.map(([name, productIds]) => ({ name, product_ids: productIds })),
  });
}

export function errorText(message: string, reason?: string): string {
  return JSON.stringify(
    reason === undefined ? { type: 'error', message } : { type: 'error', message, reason },
  );
}

/** `GET /products/<id>/ticker`, from the product's latest ticker and current 24 h volume. */
export function restTickerBody(
  ticker: Readonly<Record<string, string | number>>,
  volumeUnits: bigint,
): string {
  return JSON.stringify({
    ask: ticker['best_ask'],
    bid: ticker['best_bid'],
    volume: formatUnits(volumeUnits),
    trade_id: ticker['trade_id'],
    price: ticker['price'],
    size: ticker['last_size'],
    time: ticker['time'],
    rfq_volume: '0.000000',
    conversions_volume: '0.00',
  });
}
