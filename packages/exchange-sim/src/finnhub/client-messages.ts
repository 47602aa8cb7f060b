/**
 * What a Finnhub client may send: `{"type":"subscribe","symbol":"AAPL"}` and
 * `{"type":"unsubscribe","symbol":"AAPL"}`, one symbol per message, never acknowledged.
 * Docs: https://finnhub.io/docs/api/websocket-trades
 *
 * Finnhub documents no answer to anything else (its only error is "Subscribing to too many
 * symbols"), so every other frame is ignored without a reply.
 */

export interface FinnhubClientRequest {
  readonly type: 'subscribe' | 'unsubscribe';
  readonly symbol: string;
}

/** The request in `text`, or undefined when it is not one (the caller ignores the frame). */
export function parseFinnhubClientMessage(text: string): FinnhubClientRequest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { type, symbol } = value as Record<string, unknown>;
  if (type !== 'subscribe' && type !== 'unsubscribe') return undefined;
  if (typeof symbol !== 'string' || symbol.length === 0) return undefined;
  return { type, symbol };
}
