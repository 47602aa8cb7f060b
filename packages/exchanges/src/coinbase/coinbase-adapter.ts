/**
 * The Coinbase Exchange {@link ExchangeAdapter}: pure URL building, control frames and parsing
 * over the files of this folder. Connection behaviour lives in the market-data upstream.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview
 *
 * What the upstream must do differently from Binance, all visible on the adapter:
 * - the URL carries no streams: send `openFrames` (one subscribe message for every product and
 *   channel) on every open, within `limits.subscribeDeadlineMs` (5 s) or be disconnected;
 * - acknowledgements are cumulative (`subscriptionAcks: 'cumulative'`): each `ack` lists every
 *   active stream; diff it against the wanted ones instead of matching ids;
 * - `heartbeat` messages carry a product, sequence and time: feed them to
 *   `CoinbaseHeartbeatGapDetector` and re-fetch a product's state on a gap;
 * - REST serves one product per ticker request;
 * - the symbol list is `GET /products`, online products only;
 * - past candles come from `GET /products/<id>/candles`, 300 per request, 4h folded from 1h.
 */
import { CANDLE_INTERVAL_MS } from '@tickwire/core';
import type { ExchangeAdapter, RestTickerRequest } from '../exchange-adapter';
import { coinbaseSubscribeFrames, coinbaseUnsubscribeFrames } from './control-frames';
import { CoinbaseHeartbeatGapDetector } from './heartbeat-gap-detector';
import { CoinbaseConfigError, CoinbaseErrorCode, CoinbaseRestError } from './errors';
import { COINBASE_DOCS_URL, COINBASE_LIMITS } from './limits';
import { parseCoinbaseMessage } from './parse-message';
import { parseCoinbaseProductsText } from './products';
import {
  coinbaseCandlesPerRequest,
  coinbaseGranularitySeconds,
  parseCoinbaseCandlesText,
} from './rest-candles';
import { coinbaseRetryDelayMs, parseCoinbaseProductTickerText } from './rest-ticker';
import { COINBASE_CHANNELS, coinbaseStreamCadenceMs, coinbaseStreamName, isCoinbaseChannel } from './streams';
import type { CoinbaseChannel } from './streams';
import { coinbaseProductToSymbol, symbolToCoinbaseProduct } from './symbols';
import {
  coinbaseFeedUrl,
  coinbaseProductCandlesUrl,
  coinbaseProductTickerUrl,
  coinbaseProductsUrl,
} from './urls';

export interface CoinbaseAdapterOptions {
  /**
   * Channels subscribed per product. `ticker` gives prices, best bid/ask and 24 h statistics;
   * `heartbeat` liveness and gap detection (keep it: it is what lets a quiet product be told
   * from a lost one); `matches` adds every trade, for exact candle volume, at about twice the
   * messages.
   */
  channels: readonly CoinbaseChannel[];
}

export const DEFAULT_COINBASE_ADAPTER_OPTIONS: Readonly<CoinbaseAdapterOptions> = Object.freeze({
  channels: Object.freeze(['ticker', 'heartbeat'] as const),
});

/** The product id of a canonical symbol; throws {@link CoinbaseConfigError} for any other. */
function productIdOf(symbol: string): string {
  const productId = symbolToCoinbaseProduct(symbol);
  if (productId === undefined) {
    throw new CoinbaseConfigError(
      CoinbaseErrorCode.InvalidSymbol,
      `${JSON.stringify(symbol)} is not a Coinbase symbol: write COINBASE:<product id>, e.g. COINBASE:BTC-USD`,
    );
  }
  return productId;
}

function unsupported(what: string): CoinbaseConfigError {
  return new CoinbaseConfigError(
    CoinbaseErrorCode.UnsupportedRequest,
    `${what}: Coinbase's product ticker serves one product per request and its body does not name ` +
      'the product; use restTickerRequests() and parseRestTickerResponse()',
  );
}

/**
 * Creates the Coinbase Exchange adapter. Options are merged over
 * {@link DEFAULT_COINBASE_ADAPTER_OPTIONS}; throws {@link CoinbaseConfigError} on an empty or
 * unknown channel list.
 */
export function createCoinbaseAdapter(options: Partial<CoinbaseAdapterOptions> = {}): ExchangeAdapter {
  const channels = [...new Set(options.channels ?? DEFAULT_COINBASE_ADAPTER_OPTIONS.channels)];
  const invalid = channels.filter((channel) => !isCoinbaseChannel(channel));
  if (channels.length === 0 || invalid.length > 0) {
    throw new CoinbaseConfigError(
      CoinbaseErrorCode.InvalidChannel,
      `Coinbase channels must be a non-empty list of ${COINBASE_CHANNELS.join(', ')}` +
        (invalid.length > 0
          ? `; unknown: ${invalid.map((channel) => JSON.stringify(channel)).join(', ')}`
          : ''),
    );
  }
  return {
    id: 'coinbase',
    docsUrl: COINBASE_DOCS_URL,
    limits: COINBASE_LIMITS,
    subscriptionAcks: 'cumulative',
    streamsFor: (symbol) => {
      const productId = productIdOf(symbol);
      return channels.map((channel) => coinbaseStreamName(channel, productId));
    },
    streamCadenceMs: coinbaseStreamCadenceMs,
    connectUrl: (wsBaseUrl) => coinbaseFeedUrl(wsBaseUrl),
    openFrames: (streams) => coinbaseSubscribeFrames(streams),
    feedGapDetector: () => new CoinbaseHeartbeatGapDetector(),
    subscribeFrames: (streams) => coinbaseSubscribeFrames(streams),
    unsubscribeFrames: (streams) => coinbaseUnsubscribeFrames(streams),
    parse: parseCoinbaseMessage,
    restTickersUrl: (restBaseUrl, symbols) => {
      const [symbol, ...others] = symbols;
      if (symbol === undefined || others.length > 0)
        throw unsupported(`${symbols.length} symbols in one request`);
      return coinbaseProductTickerUrl(restBaseUrl, productIdOf(symbol));
    },
    parseRestTickers: () => {
      throw unsupported('parseRestTickers');
    },
    restTickerRequests: (restBaseUrl, symbols): RestTickerRequest[] =>
      [...new Set(symbols)].map((symbol) => ({
        url: coinbaseProductTickerUrl(restBaseUrl, productIdOf(symbol)),
        headers: { Accept: 'application/json' },
        symbols: [symbol],
      })),
    parseRestTickerResponse: (request, bodyText, receiveTime) => {
      const [symbol, ...others] = request.symbols;
      if (symbol === undefined || others.length > 0) {
        throw new CoinbaseRestError(
          CoinbaseErrorCode.MalformedRestBody,
          `a Coinbase product ticker answers for exactly one product, the request named ${request.symbols.length}: ` +
            'build requests with restTickerRequests()',
          request.symbols.join(','),
        );
      }
      return [parseCoinbaseProductTickerText(symbol, bodyText, receiveTime)];
    },
    restRetryDelayMs: (status, headers) => coinbaseRetryDelayMs(status, headers),
    toCanonicalSymbol: coinbaseProductToSymbol,
    toExchangeSymbol: symbolToCoinbaseProduct,
    candleHistory: {
      candlesPerRequest: coinbaseCandlesPerRequest,
      requestWeight: 1,
      // Every interval: 4h, which Coinbase lacks, is folded from 1h.
      supports: () => true,
      request: (restBaseUrl, symbol, interval, from, to) => ({
        // `end` is the last bucket's last second: inside the range whether Coinbase counts the
        // bucket starting at `end` or not, and 299.98 buckets long, never over 300.
        url: coinbaseProductCandlesUrl(
          restBaseUrl,
          productIdOf(symbol),
          coinbaseGranularitySeconds(interval),
          from,
          to + CANDLE_INTERVAL_MS[interval] - 1_000,
        ),
        headers: { Accept: 'application/json' },
      }),
      parse: parseCoinbaseCandlesText,
    },
    symbolList: {
      requests: (restBaseUrl) => [
        { url: coinbaseProductsUrl(restBaseUrl), headers: { Accept: 'application/json' } },
      ],
      parse: (_request, bodyText) => parseCoinbaseProductsText(bodyText),
      requestWeight: 1,
    },
  };
}
