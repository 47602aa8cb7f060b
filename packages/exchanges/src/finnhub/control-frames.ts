/**
 * Finnhub subscribe and unsubscribe frames: one symbol per message, no id, no answer.
 * Docs: https://finnhub.io/docs/api/websocket-trades
 *
 *   {"type":"subscribe","symbol":"BINANCE:BTCUSDT"}
 *
 * Finnhub never acknowledges them; a subscription beyond the plan's symbol limit is answered
 * only by an error frame that does not name the symbol, so the caller must count symbols itself.
 */

export type FinnhubControlType = 'subscribe' | 'unsubscribe';

/** One frame per distinct Finnhub symbol, in first-seen order. */
export function finnhubControlFrames(type: FinnhubControlType, finnhubSymbols: readonly string[]): string[] {
  return [...new Set(finnhubSymbols)].map((symbol) => JSON.stringify({ type, symbol }));
}

export function finnhubSubscribeFrames(finnhubSymbols: readonly string[]): string[] {
  return finnhubControlFrames('subscribe', finnhubSymbols);
}

export function finnhubUnsubscribeFrames(finnhubSymbols: readonly string[]): string[] {
  return finnhubControlFrames('unsubscribe', finnhubSymbols);
}
