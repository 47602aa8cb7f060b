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
 * `symbol` is the name the socket and the quote take; `description` names the instrument for
 * people (`APPLE INC`), `displaySymbol` (`BTC/USDT`) stands in when it is empty. Each list counts as one call against the plan's per-minute budget. Errors are
 * `{"error":"<text>"}` (an invalid key, a market the plan does not cover).
 */
import type { ListedSymbol } from '../exchange-adapter';
import { PayloadError, displayText, field, isJsonObject, preview } from '../payload-fields';
import { FinnhubErrorCode, FinnhubRestError } from './errors';
import { finnhubToSymbol } from './symbols';

function readSymbols(body: unknown, endpoint: string): ListedSymbol[] {
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
  const symbols: ListedSymbol[] = [];
  for (const item of body) {
    if (!isJsonObject(item)) continue;
    const finnhubSymbol = field(item, 'symbol');
    if (typeof finnhubSymbol !== 'string') continue;
    // Names Tickwire symbols cannot carry (`^GSPC`, lowercase) are left out rather than failing the list.
    const symbol = finnhubToSymbol(finnhubSymbol);
    if (symbol === undefined) continue;
    const name = displayText([field(item, 'description'), field(item, 'displaySymbol')], finnhubSymbol);
    symbols.push({ symbol, name });
  }
  return symbols;
}

/**
 * The canonical symbols (`FINNHUB:AAPL`, `FINNHUB:BINANCE:BTCUSDT`) in a decoded symbol list,
 * each with its description as its name.
 * `endpoint` names the list in errors. Entries without a usable `symbol` are skipped. Throws
 * {@link FinnhubRestError}: `FINNHUB_API_ERROR` for Finnhub's error body,
 * `FINNHUB_MALFORMED_REST_BODY` for anything but an array.
 */
export function finnhubListedSymbols(body: unknown, endpoint: string): ListedSymbol[] {
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
export function parseFinnhubSymbolListText(bodyText: string, endpoint: string): ListedSymbol[] {
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
