/**
 * The Massive (ex-Polygon) US stocks {@link ExchangeAdapter}: pure URL building, control frames
 * and parsing over the files of this folder. Connection behaviour lives in the market-data upstream.
 * Docs: exchanges.md Part B 5 (https://massive.com/docs/websocket/stocks/overview).
 *
 * What the upstream sees on the adapter:
 * - the socket is `<host>/stocks` on the real-time or the delayed host, by setting or, with
 *   `auto`, learned from the real-time host's refusal ({@link MassiveSocketFeed}); on every open
 *   the `sessionFrames` send the auth message, then the subscriptions follow as comma lists, as
 *   the official Go client queues them straight after dialling. Acks are per item and carry no
 *   request id, so none is awaited (`subscriptionAcks: 'none'`); statuses that are not acks
 *   (`auth_failed`, `max_connections`, `slow_consumer`...) arrive as error frames;
 * - one connection per cluster (`limits.maxConnectionsPerKey`: 1): break-before-make only;
 * - streams per symbol: trades `T`, quotes `Q` (real-time host only: the delayed feed has none,
 *   and frames to it leave them out) and per-minute aggregates `AM`, merged into the one ticker;
 * - the REST fallback asks the batch snapshot for every symbol in ONE request;
 * - the symbol list is the reference tickers, paged through `next_url`;
 * - the market status tells a closed market (a silent socket overnight) from a dead feed.
 */
import type { ExchangeAdapter, RestRequest, RestTickerRequest } from '../exchange-adapter';
import { finnhubRetryDelayMs } from '../finnhub/rest-retry';
import { massiveAuthFrame, massiveControlFrames } from './control-frames';
import { MassiveConfigError, MassiveErrorCode } from './errors';
import { MASSIVE_DELAYED_WS_URL, MASSIVE_DOCS_URL, massiveLimits, type MassiveFeedSetting } from './limits';
import { parseMassiveMarketStatusText } from './market-status';
import { parseMassiveMessage } from './parse-message';
import { massiveEntitlementRefusal, massiveSocketRefusal } from './plan-refusals';
import { parseMassiveSnapshotText } from './rest-snapshot';
import { MassiveSocketFeed } from './socket-feed';
import { parseMassiveTickerPage } from './symbol-list';
import { massiveToSymbol, symbolToMassive } from './symbols';
import {
  checkMassiveApiKey,
  massiveAuthHeaders,
  massiveMarketStatusUrl,
  massiveNextPageUrl,
  massiveReferenceTickersUrl,
  massiveSnapshotUrl,
  massiveSocketUrl,
} from './urls';

export interface MassiveAdapterOptions {
  /** The Massive API key (required). */
  apiKey: string;
  /**
   * `delayed` (Starter, Developer: 15 minutes late, no quotes), `realtime` (Advanced and above),
   * or `auto`: the real-time host until it refuses the key, then `delayedWsBaseUrl`.
   */
  feed: MassiveFeedSetting;
  /** The delayed host's base URL, where `auto` steps down to (default {@link MASSIVE_DELAYED_WS_URL}). */
  delayedWsBaseUrl: string;
  /** REST calls per minute the plan allows: 5 on the free (Basic) plan; undefined for paid plans (unlimited). */
  restCallsPerMinute: number | undefined;
}

export const DEFAULT_MASSIVE_ADAPTER_OPTIONS: Readonly<Omit<MassiveAdapterOptions, 'apiKey'>> = Object.freeze(
  {
    feed: 'delayed',
    delayedWsBaseUrl: MASSIVE_DELAYED_WS_URL,
    restCallsPerMinute: undefined,
  },
);

function tickerOf(symbol: string): string {
  const ticker = symbolToMassive(symbol);
  if (ticker === undefined) {
    throw new MassiveConfigError(
      MassiveErrorCode.InvalidSymbol,
      `${JSON.stringify(symbol)} is not a Massive symbol: write MASSIVE:<ticker>, e.g. MASSIVE:AAPL`,
    );
  }
  return ticker;
}

function unsupported(what: string): MassiveConfigError {
  return new MassiveConfigError(
    MassiveErrorCode.UnsupportedRequest,
    `${what}: Massive sends prices as JSON numbers, which a decoded body has already rounded; ` +
      'use restTickerRequests() and parseRestTickerResponse()',
  );
}

/**
 * Creates the Massive adapter; throws {@link MassiveConfigError} without a usable key. The key is
 * held in a closure, never as a property, so logging the adapter cannot leak it.
 */
export function createMassiveAdapter(
  options: Pick<MassiveAdapterOptions, 'apiKey'> & Partial<MassiveAdapterOptions>,
): ExchangeAdapter {
  const { apiKey } = options;
  checkMassiveApiKey(apiKey);
  const socketFeed = new MassiveSocketFeed(
    options.feed ?? DEFAULT_MASSIVE_ADAPTER_OPTIONS.feed,
    options.delayedWsBaseUrl ?? DEFAULT_MASSIVE_ADAPTER_OPTIONS.delayedWsBaseUrl,
  );
  const channels = socketFeed.channels();
  const headers = massiveAuthHeaders(apiKey);
  const restCallsPerMinute =
    'restCallsPerMinute' in options
      ? options.restCallsPerMinute
      : DEFAULT_MASSIVE_ADAPTER_OPTIONS.restCallsPerMinute;

  return {
    id: 'massive',
    docsUrl: MASSIVE_DOCS_URL,
    limits: massiveLimits(restCallsPerMinute),
    subscriptionAcks: 'none',
    streamsFor: (symbol) => {
      const ticker = tickerOf(symbol);
      return channels.map((channel) => `${channel}.${ticker}`);
    },
    connectUrl: (wsBaseUrl) => massiveSocketUrl(socketFeed.wsBaseUrl(wsBaseUrl)),
    // Auth first on every open, as the official Go client queues it straight after dialling.
    sessionFrames: () => [massiveAuthFrame(apiKey)],
    openFrames: (streams) => massiveControlFrames('subscribe', socketFeed.carried(streams)),
    subscribeFrames: (streams) => massiveControlFrames('subscribe', socketFeed.carried(streams)),
    unsubscribeFrames: (streams) => massiveControlFrames('unsubscribe', socketFeed.carried(streams)),
    parse: parseMassiveMessage,
    restTickersUrl: (restBaseUrl, symbols) =>
      massiveSnapshotUrl(restBaseUrl, [...new Set(symbols)].map(tickerOf)),
    parseRestTickers: () => {
      throw unsupported('parseRestTickers');
    },
    // One request for every symbol: the snapshot takes a comma list.
    restTickerRequests: (restBaseUrl, symbols): RestTickerRequest[] => {
      const unique = [...new Set(symbols)];
      if (unique.length === 0) return [];
      return [{ url: massiveSnapshotUrl(restBaseUrl, unique.map(tickerOf)), headers, symbols: unique }];
    },
    parseRestTickerResponse: (_request, bodyText, receiveTime) =>
      parseMassiveSnapshotText(bodyText, receiveTime),
    // No Retry-After is documented and the free budget is per minute: the same rule as Finnhub's.
    restRetryDelayMs: finnhubRetryDelayMs,
    toCanonicalSymbol: massiveToSymbol,
    toExchangeSymbol: symbolToMassive,
    symbolList: {
      requests: (restBaseUrl): RestRequest[] => [{ url: massiveReferenceTickersUrl(restBaseUrl), headers }],
      parse: (_request, bodyText) => parseMassiveTickerPage(bodyText).symbols,
      nextPage: (_request, bodyText, restBaseUrl) => {
        const { nextUrl } = parseMassiveTickerPage(bodyText);
        const url = nextUrl === undefined ? undefined : massiveNextPageUrl(restBaseUrl, nextUrl);
        return url === undefined ? undefined : { url, headers };
      },
      requestWeight: 1,
    },
    stepDownSocket: (error) => socketFeed.stepDown(error),
    socketFeed: () => socketFeed.feed(),
    socketRefusal: massiveSocketRefusal,
    restTickerRefusal: massiveEntitlementRefusal,
    marketStatus: {
      request: (restBaseUrl) => ({ url: massiveMarketStatusUrl(restBaseUrl), headers }),
      parse: parseMassiveMarketStatusText,
    },
  };
}
