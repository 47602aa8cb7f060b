/**
 * The Binance Spot {@link ExchangeAdapter}: pure URL building, control frames and parsing over
 * the files of this folder. Connection behaviour lives in the market-data upstream.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 */
import { CANDLE_INTERVAL_MS } from '@tickwire/core';
import type { ExchangeAdapter } from '../exchange-adapter';
import { subscribeFrames, unsubscribeFrames } from './control-frames';
import { BinanceConfigError, BinanceErrorCode } from './errors';
import { parseBinanceSymbolListText } from './exchange-info';
import { BINANCE_DOCS_URL, BINANCE_LIMITS } from './limits';
import { parseBinanceMessage } from './parse-message';
import { parseRestTickers } from './rest-tickers';
import { BINANCE_KLINES_MAX_LIMIT, BINANCE_KLINES_WEIGHT, parseKlinesText } from './rest-klines';
import { binanceStreamCadenceMs } from './stream-cadence';
import {
  BINANCE_DEFAULT_REQUEST_WEIGHT_PER_MINUTE,
  BINANCE_EXCHANGE_INFO_WEIGHT,
  BINANCE_IP_BAN_STATUS,
  binanceRetryDelayMs,
  binanceTicker24hrWeight,
  binanceUsedWeight1m,
  binanceWeightLimitPerMinute,
} from './rest-weights';
import {
  BINANCE_KLINE_INTERVALS,
  BINANCE_SYMBOL_STREAM_KINDS,
  combinedStreamUrl,
  isBinanceStreamKind,
  streamName,
  exchangeInfoUrl,
  klinesUrl,
  ticker24hrUrl,
} from './urls';
import type { BinanceStreamKind, ExchangeInfoUrlOptions } from './urls';

export interface BinanceAdapterOptions {
  /** Streams opened per symbol. aggTrade gives every price move, ticker the 24 h statistics. */
  streams: readonly BinanceStreamKind[];
}

/**
 * The symbol list asks Binance for trading symbols only and without their permission sets (both
 * documented since 2024-10-17): the unfiltered body runs to megabytes, mostly trading-group
 * lists. The status is checked again on our side, for servers that ignore the filter.
 */
const SYMBOL_LIST_QUERY: Readonly<ExchangeInfoUrlOptions> = Object.freeze({
  symbolStatus: 'TRADING',
  showPermissionSets: false,
});

export const DEFAULT_BINANCE_ADAPTER_OPTIONS: Readonly<BinanceAdapterOptions> = Object.freeze({
  streams: Object.freeze(['aggTrade', 'ticker'] as const),
});

/**
 * Creates the Binance adapter. Options are merged over {@link DEFAULT_BINANCE_ADAPTER_OPTIONS};
 * throws {@link BinanceConfigError} on an empty or unknown stream kind.
 */
export function createBinanceAdapter(options: Partial<BinanceAdapterOptions> = {}): ExchangeAdapter {
  const kinds = [...new Set(options.streams ?? DEFAULT_BINANCE_ADAPTER_OPTIONS.streams)];
  const invalid = kinds.filter((kind) => !isBinanceStreamKind(kind));
  if (kinds.length === 0 || invalid.length > 0) {
    throw new BinanceConfigError(
      BinanceErrorCode.InvalidStreamKind,
      `Binance stream kinds must be a non-empty list of ${BINANCE_SYMBOL_STREAM_KINDS.join(', ')} or ` +
        `kline_<${BINANCE_KLINE_INTERVALS.join('|')}>` +
        (invalid.length > 0 ? `; unknown: ${invalid.map((kind) => JSON.stringify(kind)).join(', ')}` : ''),
    );
  }
  return {
    id: 'binance',
    docsUrl: BINANCE_DOCS_URL,
    limits: BINANCE_LIMITS,
    streamsFor: (symbol) => kinds.map((kind) => streamName(symbol, kind)),
    streamCadenceMs: binanceStreamCadenceMs,
    connectUrl: combinedStreamUrl,
    subscribeFrames,
    unsubscribeFrames,
    parse: parseBinanceMessage,
    restTickersUrl: (restBaseUrl, symbols) => ticker24hrUrl(restBaseUrl, symbols),
    parseRestTickers,
    restRetryDelayMs: (status, headers) => binanceRetryDelayMs(status, headers),
    restBanStatus: BINANCE_IP_BAN_STATUS,
    restWeights: {
      requestWeight: binanceTicker24hrWeight,
      usedWeight: binanceUsedWeight1m,
      limitPerWindow: BINANCE_DEFAULT_REQUEST_WEIGHT_PER_MINUTE,
      windowMs: 60_000,
      limitUrl: (restBaseUrl, symbols) => exchangeInfoUrl(restBaseUrl, symbols.slice(0, 1)),
      limitWeight: BINANCE_EXCHANGE_INFO_WEIGHT,
      parseLimit: binanceWeightLimitPerMinute,
    },
    candleHistory: {
      candlesPerRequest: () => BINANCE_KLINES_MAX_LIMIT,
      requestWeight: BINANCE_KLINES_WEIGHT,
      // Every Tickwire interval is a Binance kline interval.
      supports: () => true,
      request: (restBaseUrl, symbol, interval, from, to) => ({
        url: klinesUrl(restBaseUrl, symbol, interval, {
          startTime: from,
          endTime: to,
          limit: Math.min(
            BINANCE_KLINES_MAX_LIMIT,
            Math.floor((to - from) / CANDLE_INTERVAL_MS[interval]) + 1,
          ),
        }),
        headers: { Accept: 'application/json' },
      }),
      parse: (symbol, interval, bodyText) => parseKlinesText(bodyText, symbol, interval),
    },
    symbolList: {
      requests: (restBaseUrl) => [
        { url: exchangeInfoUrl(restBaseUrl, [], SYMBOL_LIST_QUERY), headers: { Accept: 'application/json' } },
      ],
      parse: (_request, bodyText) => parseBinanceSymbolListText(bodyText),
      requestWeight: BINANCE_EXCHANGE_INFO_WEIGHT,
    },
  };
}
