/**
 * Finnhub message and body texts. Finnhub sends prices and volumes as JSON NUMBERS
 * (`"p":146.76`, `"v":43`, no decimal point when whole), so the texts are assembled by hand
 * from exact decimal strings: no value ever takes a round trip through a double (STYLE rule 7).
 * Keys are in the recorded (alphabetical) order: `data` before `type`, `c p s t v`.
 * Docs: https://finnhub.io/docs/api/websocket-trades and https://finnhub.io/docs/api/quote
 */
import { divideRounded, formatScaled, formatUnits, trimDecimal } from '../fixed-point';
import type { MarketSnapshot, Trade } from '../market-state';
import type { FinnhubInstrument } from './instruments';

/** The application-level keepalive: a TEXT frame, not a WebSocket ping. */
export const FINNHUB_PING_FRAME = '{"type":"ping"}';
/** The only error Finnhub is known to send; it does not name the symbol. */
export const FINNHUB_TOO_MANY_SYMBOLS_FRAME = '{"msg":"Subscribing to too many symbols","type":"error"}';
/** Opening and closing of a trade frame around its comma-separated elements. */
export const TRADE_FRAME_PREFIX = '{"data":[';
export const TRADE_FRAME_SUFFIX = '],"type":"trade"}';

/** The quote of a symbol Finnhub does not know: HTTP 200 with zeros and null d/dp. */
export const UNKNOWN_SYMBOL_QUOTE_BODY = '{"c":0,"d":null,"dp":null,"h":0,"l":0,"o":0,"pc":0,"t":0}';

/** Fraction digits of the quote's `dp` (percent change), as in `"dp":-1.2428`. */
export const PERCENT_DECIMALS = 4;

/**
 * Trade conditions of US equities, as strings ("1" regular sale, "12" form T, "24", "8"...);
 * cycled by trade id so every shape, the empty list included, shows up.
 */
const STOCK_CONDITIONS: readonly string[] = [
  '["1","12"]',
  '["1","24","12"]',
  '["1","8","24","12"]',
  '["12"]',
  '[]',
];
/** Crypto: `c` is null (2024 recordings) on most trades and absent (docs sample) on every third. */
const CRYPTO_ABSENT_CONDITIONS_EVERY = 3;

/** 1e-8 units as a JSON number text: "146.76", "43", "0.011467". */
export function jsonNumber(units: bigint): string {
  return trimDecimal(formatUnits(units));
}

/** The text of `c` for a trade, or undefined when the key is left out. */
function conditionsText(instrument: FinnhubInstrument, tradeId: number): string | undefined {
  switch (instrument.kind) {
    case 'stock':
      return STOCK_CONDITIONS[tradeId % STOCK_CONDITIONS.length];
    case 'crypto':
      return tradeId % CRYPTO_ABSENT_CONDITIONS_EVERY === 0 ? undefined : 'null';
    case 'forex':
      return undefined;
  }
}

/** One element of a trade frame's `data` array. FX elements are price updates with volume 0. */
export function tradeElement(instrument: FinnhubInstrument, trade: Trade): string {
  const { spec } = instrument;
  const price = jsonNumber(BigInt(trade.priceTicks) * spec.tickUnits);
  const volume = instrument.kind === 'forex' ? '0' : jsonNumber(trade.qty);
  const conditions = conditionsText(instrument, trade.id);
  const head = conditions === undefined ? '{' : `{"c":${conditions},`;
  return `${head}"p":${price},"s":${JSON.stringify(instrument.symbol)},"t":${trade.time},"v":${volume}}`;
}

/**
 * `{"c","d","dp","h","l","o","pc","t"}`: last price, change and percent change against the
 * previous close, the (24 h) high/low/open, and `t` in epoch SECONDS (the socket's is ms).
 */
export function quoteBody(snapshot: MarketSnapshot, lastTradeTimeMs: number): string {
  const tick = snapshot.spec.tickUnits;
  const units = (ticks: number): bigint => BigInt(ticks) * tick;
  const current = units(snapshot.lastTicks);
  const previousClose = units(snapshot.stats.prevCloseTicks);
  const change = current - previousClose;
  const percent =
    previousClose === 0n
      ? '0'
      : trimDecimal(
          formatScaled(
            divideRounded(change * 100n * 10n ** BigInt(PERCENT_DECIMALS), previousClose),
            PERCENT_DECIMALS,
          ),
        );
  const fields = [
    `"c":${jsonNumber(current)}`,
    `"d":${jsonNumber(change)}`,
    `"dp":${percent}`,
    `"h":${jsonNumber(units(snapshot.stats.highTicks))}`,
    `"l":${jsonNumber(units(snapshot.stats.lowTicks))}`,
    `"o":${jsonNumber(units(snapshot.stats.openTicks))}`,
    `"pc":${jsonNumber(previousClose)}`,
    `"t":${Math.floor(lastTradeTimeMs / 1000)}`,
  ];
  return `{${fields.join(',')}}`;
}
