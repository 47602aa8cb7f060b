/**
 * The Finnhub {@link ExchangeAdapter}: pure URL building, control frames and parsing over the
 * files of this folder. Connection behaviour lives in the market-data upstream.
 * Docs: https://finnhub.io/docs/api/websocket-trades
 *
 * What the upstream must do differently from Binance, all visible on the adapter:
 * - the URL carries the API key, not the streams: send `openFrames` (one subscribe per symbol)
 *   on every open; Finnhub never acknowledges them (`subscriptionAcks: 'none'`);
 * - one connection per API key (`limits.maxConnectionsPerKey`): break-before-make only;
 * - `{"type":"ping"}` text frames are heartbeats that need no answer;
 * - REST serves one symbol per quote request, authenticated by header, under a per-minute budget;
 * - the symbol list takes one request per market (US stocks, each crypto venue, each forex broker);
 * - candles are premium: a plan without them is refused with HTTP 403 (`candleHistory.entitlementRefusal`).
 */
import { CANDLE_INTERVAL_MS } from '@tickwire/core';
import type { ExchangeAdapter, RestRequest, RestTickerRequest } from '../exchange-adapter';
import { finnhubSubscribeFrames, finnhubUnsubscribeFrames } from './control-frames';
import { FinnhubConfigError, FinnhubErrorCode, FinnhubRestError } from './errors';
import {
  FINNHUB_DOCS_URL,
  FINNHUB_FREE_MAX_REST_CALLS_PER_MINUTE,
  FINNHUB_FREE_MAX_SYMBOLS_PER_CONNECTION,
  FINNHUB_PLAN_LIMITS,
  finnhubLimits,
} from './limits';
import { parseFinnhubMessage } from './parse-message';
import {
  FINNHUB_FOREX_BROKERS,
  finnhubCandleMarket,
  finnhubCandleRefusal,
  finnhubCandlesPerRequest,
  finnhubResolutionMinutes,
  parseFinnhubCandlesText,
} from './rest-candles';
import { parseFinnhubQuoteText } from './rest-quote';
import { finnhubRetryDelayMs } from './rest-retry';
import { parseFinnhubSymbolListText } from './symbol-list';
import { finnhubToSymbol, symbolToFinnhub } from './symbols';
import {
  FINNHUB_TOKEN_HEADER,
  checkFinnhubToken,
  finnhubCandlesUrl,
  finnhubQuoteUrl,
  finnhubSocketUrl,
  finnhubSymbolListUrl,
} from './urls';
import type { FinnhubMarket } from './urls';

export interface FinnhubAdapterOptions {
  /** The Finnhub API key (required). The sandbox key is refused at the handshake with HTTP 401. */
  token: string;
  /** Symbols one connection may stream: 50 on the free plan, more on paid plans. */
  maxSymbols: number;
  /** REST calls per minute the plan allows: 60 on the free plan. */
  restCallsPerMinute: number;
  /**
   * The markets whose symbols make up the symbol list, by Finnhub exchange code: stock exchanges
   * (`US`), crypto venues (`binance`, `coinbase`) and forex brokers (`oanda`). One REST call each
   * per refresh; a symbol of a market not listed here is unknown.
   */
  symbolListExchanges: Readonly<Record<FinnhubMarket, readonly string[]>>;
}

export const DEFAULT_FINNHUB_ADAPTER_OPTIONS: Readonly<Omit<FinnhubAdapterOptions, 'token'>> = Object.freeze({
  maxSymbols: FINNHUB_FREE_MAX_SYMBOLS_PER_CONNECTION,
  restCallsPerMinute: FINNHUB_FREE_MAX_REST_CALLS_PER_MINUTE,
  symbolListExchanges: Object.freeze({
    stock: Object.freeze(['US']),
    crypto: Object.freeze(['binance']),
    forex: Object.freeze([]),
  }),
});

const FINNHUB_MARKETS: readonly FinnhubMarket[] = ['stock', 'crypto', 'forex'];

/** Upper bound on the options, to catch a misplaced value (a key in the wrong variable, ms for a count). */
const MAX_OPTION_VALUE = 100_000;

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_OPTION_VALUE) {
    throw new FinnhubConfigError(
      FinnhubErrorCode.InvalidOption,
      `Finnhub ${name} must be an integer from 1 to ${MAX_OPTION_VALUE}, got ${String(value)}: use your plan's value`,
    );
  }
}

/** The Finnhub name of a canonical symbol; throws {@link FinnhubConfigError} for any other. */
function finnhubSymbolOf(symbol: string): string {
  const finnhubSymbol = symbolToFinnhub(symbol);
  if (finnhubSymbol === undefined) {
    throw new FinnhubConfigError(
      FinnhubErrorCode.InvalidSymbol,
      `${JSON.stringify(symbol)} is not a Finnhub symbol: write FINNHUB:<Finnhub symbol>, e.g. FINNHUB:AAPL or ` +
        'FINNHUB:BINANCE:BTCUSDT (a space in the venue becomes _, FINNHUB:IC_MARKETS:1)',
    );
  }
  return finnhubSymbol;
}

/** `/api/v1/stock/symbol?exchange=US` out of a full URL, to name a list in errors. */
function endpointOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function unsupported(what: string): FinnhubConfigError {
  return new FinnhubConfigError(
    FinnhubErrorCode.UnsupportedRequest,
    `${what}: Finnhub's quote serves one symbol per request and its body does not name the symbol; ` +
      'use restTickerRequests() and parseRestTickerResponse()',
  );
}

/**
 * Creates the Finnhub adapter. Options are merged over {@link DEFAULT_FINNHUB_ADAPTER_OPTIONS};
 * throws {@link FinnhubConfigError} without a usable `token` or with an out-of-range count. The
 * key is held in a closure, never as a property, so logging the adapter cannot leak it.
 */
export function createFinnhubAdapter(
  options: Pick<FinnhubAdapterOptions, 'token'> & Partial<FinnhubAdapterOptions>,
): ExchangeAdapter {
  const { token } = options;
  checkFinnhubToken(token);
  const maxSymbols = options.maxSymbols ?? DEFAULT_FINNHUB_ADAPTER_OPTIONS.maxSymbols;
  const restCallsPerMinute = options.restCallsPerMinute ?? DEFAULT_FINNHUB_ADAPTER_OPTIONS.restCallsPerMinute;
  checkCount('maxSymbols', maxSymbols);
  checkCount('restCallsPerMinute', restCallsPerMinute);
  const listExchanges = options.symbolListExchanges ?? DEFAULT_FINNHUB_ADAPTER_OPTIONS.symbolListExchanges;
  // Built once with a placeholder base, so a bad exchange code fails here, at configuration.
  const listMarkets = FINNHUB_MARKETS.flatMap((market) =>
    [...new Set(listExchanges[market])].map((exchange) => {
      finnhubSymbolListUrl('https://finnhub.io', market, exchange);
      return { market, exchange };
    }),
  );
  const forexBrokers = new Set([
    ...FINNHUB_FOREX_BROKERS,
    ...listExchanges.forex.map((exchange) => exchange.toLowerCase()),
  ]);
  if (listMarkets.length === 0) {
    throw new FinnhubConfigError(
      FinnhubErrorCode.InvalidOption,
      'Finnhub symbolListExchanges names no market: list at least one stock exchange, crypto venue or forex broker, e.g. stock: [US]',
    );
  }

  return {
    id: 'finnhub',
    docsUrl: FINNHUB_DOCS_URL,
    limits: finnhubLimits(maxSymbols, restCallsPerMinute),
    subscriptionAcks: 'none',
    // Stream names are the Finnhub symbols themselves: one subscription per symbol.
    streamsFor: (symbol) => [finnhubSymbolOf(symbol)],
    connectUrl: (wsBaseUrl) => finnhubSocketUrl(wsBaseUrl, token),
    openFrames: (streams) => finnhubSubscribeFrames(streams),
    subscribeFrames: (streams) => finnhubSubscribeFrames(streams),
    unsubscribeFrames: (streams) => finnhubUnsubscribeFrames(streams),
    parse: parseFinnhubMessage,
    restTickersUrl: (restBaseUrl, symbols) => {
      const [symbol, ...others] = symbols;
      if (symbol === undefined || others.length > 0)
        throw unsupported(`${symbols.length} symbols in one request`);
      // A bare URL cannot carry headers, so this one form puts the key in the query.
      return finnhubQuoteUrl(restBaseUrl, finnhubSymbolOf(symbol), token);
    },
    parseRestTickers: () => {
      throw unsupported('parseRestTickers');
    },
    restTickerRequests: (restBaseUrl, symbols): RestTickerRequest[] =>
      [...new Set(symbols)].map((symbol) => ({
        url: finnhubQuoteUrl(restBaseUrl, finnhubSymbolOf(symbol)),
        headers: { [FINNHUB_TOKEN_HEADER]: token },
        symbols: [symbol],
      })),
    parseRestTickerResponse: (request, bodyText, receiveTime) => {
      const [symbol, ...others] = request.symbols;
      if (symbol === undefined || others.length > 0) {
        throw new FinnhubRestError(
          FinnhubErrorCode.MalformedRestBody,
          `a Finnhub quote answers for exactly one symbol, the request named ${request.symbols.length}: ` +
            'build requests with restTickerRequests()',
          request.symbols.join(','),
        );
      }
      return [parseFinnhubQuoteText(symbol, bodyText, receiveTime)];
    },
    restRetryDelayMs: finnhubRetryDelayMs,
    toCanonicalSymbol: finnhubToSymbol,
    toExchangeSymbol: symbolToFinnhub,
    candleHistory: {
      candlesPerRequest: finnhubCandlesPerRequest,
      requestWeight: 1,
      // Every interval: 4h and 1d are folded from 60-minute candles.
      supports: () => true,
      request: (restBaseUrl, symbol, interval, from, to) => {
        const finnhubSymbol = finnhubSymbolOf(symbol);
        return {
          // `to` is the last candle's last second: inside the range however Finnhub bounds it.
          url: finnhubCandlesUrl(
            restBaseUrl,
            finnhubCandleMarket(finnhubSymbol, forexBrokers),
            finnhubSymbol,
            String(finnhubResolutionMinutes(interval)),
            from,
            to + CANDLE_INTERVAL_MS[interval] - 1_000,
          ),
          headers: { [FINNHUB_TOKEN_HEADER]: token, Accept: 'application/json' },
        };
      },
      parse: parseFinnhubCandlesText,
      entitlementRefusal: finnhubCandleRefusal,
    },
    planLimits: FINNHUB_PLAN_LIMITS,
    symbolList: {
      requests: (restBaseUrl): RestRequest[] =>
        listMarkets.map(({ market, exchange }) => ({
          url: finnhubSymbolListUrl(restBaseUrl, market, exchange),
          headers: { [FINNHUB_TOKEN_HEADER]: token, Accept: 'application/json' },
        })),
      // The URL carries no key (it goes in the header), so it can name the list in errors.
      parse: (request, bodyText) => parseFinnhubSymbolListText(bodyText, endpointOf(request.url)),
      requestWeight: 1,
    },
  };
}
