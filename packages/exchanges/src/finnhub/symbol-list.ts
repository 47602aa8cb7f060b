/**
 * Finnhub's symbol lists, one request per market: `GET /api/v1/stock/symbol?exchange=US`,
 * `GET /api/v1/crypto/symbol?exchange=binance`, `GET /api/v1/forex/symbol?exchange=oanda`.
 * Docs: https://finnhub.io/docs/api/stock-symbols, https://finnhub.io/docs/api/crypto-symbols and
 * https://finnhub.io/docs/api/forex-symbols
 *
 *   stock:  [{"currency":"USD","description":"APPLE INC","displaySymbol":"AAPL","figi":"BBG000B9XRY4",
 *             "mic":"XNAS","symbol":"AAPL","type":"Common Stock"}]
 *   crypto: [{"description":"Binance BTCUSDT","displaySymbol":"BTC/USDT","symbol":"BINANCE:BTCUSDT"}]
 *
 * `symbol` is the name the socket and the quote take; `displaySymbol` is for people and is not
 * used. Each list counts as one call against the plan's per-minute budget. Errors are
 * `{"error":"<text>"}` (an invalid key, a market the plan does not cover).
 */
import { PayloadError, field, isJsonObject, preview } from '../payload-fields';
import { FinnhubErrorCode, FinnhubRestError } from './errors';
import { finnhubToSymbol } from './symbols';

function readSymbols(body: unknown, endpoint: string): string[] {
  const message = isJsonObject(body) ? field(body, 'error') : undefined;
  if (message !== undefined) {
    const finnhubMessage = typeof message === 'string' ? message : preview(message);
    throw new FinnhubRestError(
      FinnhubErrorCode.ApiError,
      `Finnhub refused the symbol list ${endpoint}: ${JSON.stringify(finnhubMessage)}; ` +
        'check the API key and that its plan covers this market',
      '',
      finnhubMessage,
    );
  }
  if (!Array.isArray(body)) throw new PayloadError(`expected a JSON array of symbols, got ${preview(body)}`);
  const symbols: string[] = [];
  for (const item of body) {
    const name = isJsonObject(item) ? field(item, 'symbol') : undefined;
    // Names Tickwire symbols cannot carry (`^GSPC`, lowercase) are left out rather than failing the list.
    const symbol = typeof name === 'string' ? finnhubToSymbol(name) : undefined;
    if (symbol !== undefined) symbols.push(symbol);
  }
  return symbols;
}

/**
 * The canonical symbols (`FINNHUB:AAPL`, `FINNHUB:BINANCE:BTCUSDT`) in a decoded symbol list.
 * `endpoint` names the list in errors. Entries without a usable `symbol` are skipped. Throws
 * {@link FinnhubRestError}: `FINNHUB_API_ERROR` for Finnhub's error body,
 * `FINNHUB_MALFORMED_REST_BODY` for anything but an array.
 */
export function finnhubListedSymbols(body: unknown, endpoint: string): string[] {
  try {
    return readSymbols(body, endpoint);
  } catch (error) {
    if (error instanceof PayloadError) {
      throw new FinnhubRestError(
        FinnhubErrorCode.MalformedRestBody,
        `malformed ${endpoint} response: ${error.message}; check the exchange code and that the REST base URL points at Finnhub`,
        '',
      );
    }
    throw error;
  }
}

/** Like {@link finnhubListedSymbols}, from the body text; invalid JSON is a malformed body. */
export function parseFinnhubSymbolListText(bodyText: string, endpoint: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (error) {
    throw new FinnhubRestError(
      FinnhubErrorCode.MalformedRestBody,
      `malformed ${endpoint} response: invalid JSON (${error instanceof Error ? error.message : String(error)})`,
      '',
    );
  }
  return finnhubListedSymbols(body, endpoint);
}
