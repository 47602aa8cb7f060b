/**
 * The pure part of talking to an exchange (STYLE rule 6): URLs, control frames, parsers and
 * limits. Connection behaviour (ping, watchdog, backoff, rotation) lives once, in the
 * market-data service's upstream, and works with any adapter.
 *
 * The interface was first written for Binance, whose combined-stream URL carries the streams
 * and whose REST API returns every symbol in one request. Finnhub and Coinbase need more, and
 * every addition is optional so that an adapter without it (Binance) keeps its meaning:
 * - streams subscribed after connecting, within a deadline ({@link ExchangeAdapter.openFrames},
 *   {@link ExchangeLimits.subscribeDeadlineMs});
 * - acknowledgements that are cumulative or absent ({@link ExchangeAdapter.subscriptionAcks});
 * - one connection per API key ({@link ExchangeLimits.maxConnectionsPerKey});
 * - REST endpoints that serve one symbol per request, authenticate with a header, and answer
 *   with bodies that do not name their symbol ({@link ExchangeAdapter.restTickerRequests},
 *   {@link ExchangeAdapter.parseRestTickerResponse}), under per-minute budgets
 *   ({@link ExchangeLimits.restRateLimits}, {@link ExchangeAdapter.restRetryDelayMs});
 * - exchange symbol names that differ from Tickwire's canonical symbols
 *   ({@link ExchangeAdapter.toCanonicalSymbol}, {@link ExchangeAdapter.toExchangeSymbol});
 * - the list of every tradable symbol, spread over one or several REST requests (Finnhub lists
 *   stocks and crypto apart), so callers can refuse unknown symbols from a cached list
 *   ({@link ExchangeAdapter.symbolList});
 * - streams pushed on a fixed cadence, whose absence tells a silent feed within seconds
 *   ({@link ExchangeAdapter.streamCadenceMs}).
 */
import type { Candle, CandleInterval, ExchangeId, TickerUpdate } from '@tickwire/core';
import type { FeedMessage, HeartbeatMessage } from './feed-message';

/**
 * `maxConnectionAgeMs` of an exchange that documents no cut: the longest delay `setTimeout`
 * accepts (about 24.8 days). Code that schedules a rotation from it never overflows into an
 * immediate timer, and a rotation that rare costs nothing.
 */
export const NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS = 2_147_483_647;

/** One request budget: at most `maxRequests` per rolling `windowMs`. */
export interface RestRateLimit {
  maxRequests: number;
  windowMs: number;
}

export interface ExchangeLimits {
  /** Streams (symbol x channel) one connection may carry. */
  maxStreamsPerConnection: number;
  /** Streams one subscribe or unsubscribe frame may name ({@link ExchangeAdapter.subscribeFrames} chunks by it). */
  maxStreamsPerControlFrame: number;
  /** Messages the client may send per second per connection (control frames, pings, pongs). */
  maxClientMessagesPerSecond: number;
  /** Connection attempts allowed per `connectWindowMs` per IP. */
  maxConnectsPerWindow: number;
  connectWindowMs: number;
  /**
   * The exchange cuts a connection after this long; {@link NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS}
   * when it documents no cut.
   */
  maxConnectionAgeMs: number;
  /**
   * Connections one API key may hold at once; absent when the exchange has no such rule.
   * Finnhub: 1, and a second connection was seen to drop both. With this set, reconnects and
   * rotation must be break-before-make (close, wait for the close, then open), never
   * make-before-break, and only one process of the cluster may connect.
   */
  maxConnectionsPerKey?: number;
  /**
   * The server closes a connection that has not subscribed within this long of opening
   * (Coinbase: 5 s). The {@link ExchangeAdapter.openFrames} must be sent well before it.
   */
  subscribeDeadlineMs?: number;
  /**
   * REST budgets that all apply at once (Finnhub free plan: 60 per minute and 30 per second).
   * Absent when the exchange reports its budget in response headers (Binance's weights).
   */
  restRateLimits?: readonly RestRateLimit[];
}

/** One REST request: a GET of `url` with `headers`. */
export interface RestRequest {
  url: string;
  /** Headers to send, e.g. Finnhub's `X-Finnhub-Token` (keeps the key out of URLs and logs). */
  headers: Readonly<Record<string, string>>;
}

/** One REST request that fetches the latest ticker of `symbols` (canonical symbols). */
export interface RestTickerRequest extends RestRequest {
  /** The canonical symbols the response answers for, in request order. */
  symbols: readonly string[];
}

/**
 * One tradable instrument of an exchange's list: its canonical symbol and the name people know it
 * by, from the exchange's own catalog (Binance base/quote assets `BTC/USDT`, Coinbase's
 * `display_name`, Finnhub's `description` such as `APPLE INC`).
 */
export interface ListedSymbol {
  symbol: string;
  /** The display name; the exchange's own symbol name when its catalog gives none. */
  name: string;
}

/** Where an exchange lists its tradable symbols, and how to read that list; see {@link ExchangeAdapter.symbolList}. */
export interface SymbolListSource {
  /**
   * The GET requests whose answers together list every tradable symbol (Binance, Coinbase: one;
   * Finnhub: one per stock exchange and crypto venue). All must succeed for the list to be whole.
   */
  requests(restBaseUrl: string): RestRequest[];
  /**
   * The instruments in one answer's body text, canonical symbols with their display names. Entries that are not tradable (halted,
   * delisted, trading disabled) or that are incomplete, or whose names Tickwire symbols cannot
   * carry, are skipped. Throws the adapter's typed REST error for an exchange error body or a
   * body that is not the documented list (invalid JSON, not an array or object).
   */
  parse(request: RestRequest, bodyText: string): ListedSymbol[];
  /**
   * The request for the next page of a paged list (Massive: the answer's `next_url`), or
   * undefined on the last page. Absent: every answer is whole.
   */
  nextPage?(request: RestRequest, bodyText: string, restBaseUrl: string): RestRequest | undefined;
  /**
   * What one request costs: its request weight where the exchange budgets weight
   * ({@link ExchangeAdapter.restWeights}; Binance exchangeInfo: 20), else 1, one call against
   * `limits.restRateLimits`.
   */
  readonly requestWeight: number;
}

/**
 * Where an exchange serves past candles (Binance klines, Coinbase product candles), for backfill;
 * see {@link ExchangeAdapter.candleHistory}.
 */
export interface CandleHistorySource {
  /**
   * Candles of `interval` one request may return (Binance: 1000; Coinbase: 300, and 75 of 4h,
   * which are folded from 300 of 1h).
   */
  candlesPerRequest(interval: CandleInterval): number;
  /** What one request costs against the REST budget (Binance klines: weight 2; else 1). */
  readonly requestWeight: number;
  /** Whether the exchange serves candles of this interval, natively or folded from a finer one. */
  supports(interval: CandleInterval): boolean;
  /**
   * The request for the candles of a canonical symbol whose open times lie in `from` to `to`
   * (inclusive, aligned to the interval, at most `candlesPerRequest(interval)` of them).
   */
  request(
    restBaseUrl: string,
    symbol: string,
    interval: CandleInterval,
    from: number,
    to: number,
  ): RestRequest;
  /**
   * The candles of that request's answer (raw body text, so numbers keep every digit), oldest
   * first, with the canonical symbol; `ticks` is the exchange's trade count, or 0 where it
   * gives none. Throws the adapter's typed REST error for an error or malformed body.
   */
  parse(symbol: string, interval: CandleInterval, bodyText: string): Candle[];
  /**
   * The exchange's own words when an error answer (HTTP `status`, body text) means this account
   * may not have these candles at all (Finnhub: HTTP 403 `You don't have access to this
   * resource.` on plans without candles): asking again cannot help until the plan changes.
   * Undefined for any other error. Absent: the exchange refuses no account its candles.
   */
  entitlementRefusal?(status: number, bodyText: string): string | undefined;
}

/**
 * Something an exchange serves only on some plans, and what the relay does about it on a plan
 * without it (reported in `/v1/status`, so an operator reads it before a client is refused).
 */
export interface PlanLimit {
  /** What is missing, for people: `forex rates`. */
  feature: string;
  /** The exchange's endpoints of it (`/api/v1/forex/rates`). */
  endpoints: readonly string[];
  /** The plans that have it, in the exchange's words (`Premium`). */
  plans: string;
  /** What the relay does without it: never a stand-in built from other data. */
  without: string;
}

/**
 * Where an exchange says whether its market trades now (Massive `/v1/marketstatus/now`), so an
 * open socket that is silent because the market is closed is not taken for a dead feed; see
 * {@link ExchangeAdapter.marketStatus}.
 */
export interface MarketStatusSource {
  request(restBaseUrl: string): RestRequest;
  /**
   * The exchange's word for the state (`open`, `closed`, `extended-hours`) and whether trades can
   * print in it. Throws the adapter's typed REST error for an error or malformed body.
   */
  parse(bodyText: string): { state: string; trading: boolean };
}

/** HTTP response headers as Node gives them: lowercase names. */
export type RestResponseHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** How an exchange acknowledges subscriptions; see {@link ExchangeAdapter.subscriptionAcks}. */
export type SubscriptionAckStyle = 'by-id' | 'cumulative' | 'none';

/** Finds lost messages of a symbol from its heartbeats (Coinbase); see {@link ExchangeAdapter.feedGapDetector}. */
export interface FeedGapDetector {
  /** The gap this heartbeat reveals, if any (with a reason for logs). */
  observe(heartbeat: HeartbeatMessage): { symbol: string; reason: string } | undefined;
  /** Forgets a symbol's history (it was subscribed again). */
  forget(symbol: string): void;
}

export interface ExchangeAdapter {
  readonly id: ExchangeId;
  /** Link to the protocol documentation the adapter follows. */
  readonly docsUrl: string;
  readonly limits: ExchangeLimits;
  /**
   * How subscriptions are acknowledged. `by-id` (the default when absent, Binance): one `ack`
   * per control frame, matched by request id. `cumulative` (Coinbase): after each frame an
   * `ack` with `id: null` whose `streams` list every active stream. `none` (Finnhub): nothing;
   * never wait for an answer, and learn of failures only from `error` frames.
   */
  readonly subscriptionAcks?: SubscriptionAckStyle;
  /**
   * Exchange stream names for one canonical symbol (Binance: `btcusdt@ticker`, Coinbase:
   * `ticker:BTC-USD`, Finnhub: `AAPL`). Throws on a symbol of another exchange.
   */
  streamsFor(symbol: string): string[];
  /**
   * How often the exchange sends on `stream` whether or not the market moves (ms): Binance
   * `@ticker` 1000, Coinbase `heartbeat:*` 1000. Undefined for streams sent only on events
   * (trades). Absent (Finnhub, trades only): no stream has a cadence, and silence is only
   * noticed by the watchdog.
   */
  streamCadenceMs?(stream: string): number | undefined;
  /**
   * The URL to open for these streams. Binance puts them into the URL; adapters with
   * {@link openFrames} ignore `streams` (they are subscribed after connecting).
   */
  connectUrl(wsBaseUrl: string, streams: readonly string[]): string;
  /**
   * Frames to send as soon as every connection opens, before anything else: the subscriptions
   * for `streams` when the URL cannot carry them (Finnhub, Coinbase). Paced at
   * `limits.maxClientMessagesPerSecond` and, when `limits.subscribeDeadlineMs` is set, all
   * sent within it. Absent (Binance): the URL already subscribed.
   */
  openFrames?(streams: readonly string[], nextId: () => number): string[];
  /**
   * Frames to send on every open before any subscription, whatever the streams: Massive's auth
   * message (`{"action":"auth","params":"<key>"}`), which the server expects in-band. Absent:
   * the URL or the handshake carries the credentials (Finnhub) or none are needed.
   */
  sessionFrames?(): string[];
  /**
   * A detector of lost messages for one connection's heartbeats, when the exchange's
   * heartbeats can prove a gap (Coinbase: per-product sequence and time). Absent: gaps are
   * only noticed as silence.
   */
  feedGapDetector?(): FeedGapDetector;
  /** Control frames that subscribe to `streams`, chunked to the exchange's limits; ids from `nextId`. */
  subscribeFrames(streams: readonly string[], nextId: () => number): string[];
  unsubscribeFrames(streams: readonly string[], nextId: () => number): string[];
  /** Parses one text frame; never throws. */
  parse(text: string, receiveTime: number): FeedMessage;
  /**
   * REST URL that returns the latest tickers for all `symbols` in one request. Adapters with
   * {@link restTickerRequests} serve one symbol per request: use that instead (they throw a
   * typed error here for more than one symbol).
   */
  restTickersUrl(restBaseUrl: string, symbols: readonly string[]): string;
  /**
   * Parses that REST response body (already JSON-decoded); throws on a malformed body. Adapters
   * with {@link parseRestTickerResponse} throw a typed error here: their bodies do not name
   * their symbol.
   */
  parseRestTickers(body: unknown, receiveTime: number): TickerUpdate[];
  /**
   * The REST requests that fetch the latest tickers of `symbols` (canonical): one per symbol
   * for Finnhub's quote and Coinbase's product ticker. Send them within
   * `limits.restRateLimits`. Absent: one request to {@link restTickersUrl}.
   */
  restTickerRequests?(restBaseUrl: string, symbols: readonly string[]): RestTickerRequest[];
  /**
   * Parses the response to one of {@link restTickerRequests}: the raw body text, so exchanges
   * that send JSON numbers keep every digit. Throws the adapter's typed REST error, e.g. for a
   * symbol the exchange does not know (Finnhub answers those with HTTP 200 and zeros).
   */
  parseRestTickerResponse?(request: RestTickerRequest, bodyText: string, receiveTime: number): TickerUpdate[];
  /**
   * How long to wait before the next REST request after a refused one (HTTP `status`, e.g. 429),
   * from the exchange's headers and rules; undefined to use the caller's own backoff.
   */
  restRetryDelayMs?(status: number, headers: RestResponseHeaders, nowMs: number): number | undefined;
  /**
   * The status with which the exchange bans the IP for ignoring its 429s (Binance: 418): no REST
   * request at all until {@link restRetryDelayMs} has passed. Absent: the exchange has no ban status.
   */
  readonly restBanStatus?: number;
  /**
   * Budgets reported in headers (Binance): the weight of one {@link restTickersUrl} request for
   * this many symbols, the weight used so far in the window as a response reports it, and the
   * window's limit. Absent: the exchange budgets requests by count ({@link ExchangeLimits.restRateLimits}).
   */
  restWeights?: {
    requestWeight(symbolCount: number): number;
    usedWeight(headers: RestResponseHeaders): number | undefined;
    /** Default limit per window when the exchange's own answer (exchangeInfo) is unavailable. */
    limitPerWindow: number;
    windowMs: number;
    /** Where the exchange states its live limit (Binance: exchangeInfo `rateLimits`). */
    limitUrl(restBaseUrl: string, symbols: readonly string[]): string;
    /** The weight of one request to {@link limitUrl}. */
    limitWeight: number;
    /** The limit per window from that response body; undefined when it does not say. */
    parseLimit(body: unknown): number | undefined;
  };
  /**
   * The canonical symbol for an exchange symbol name (`BTC-USD` -> `COINBASE:BTC-USD`);
   * undefined when it cannot be one. Absent: the names are the same (Binance).
   */
  toCanonicalSymbol?(exchangeSymbol: string): string | undefined;
  /** The exchange's name for a canonical symbol of this exchange; undefined for any other. */
  toExchangeSymbol?(symbol: string): string | undefined;
  /**
   * Where the exchange lists its tradable symbols (canonical), for a list cached and refreshed
   * now and then, so an unknown symbol is refused without a round trip. Absent: the adapter
   * cannot list its symbols.
   */
  readonly symbolList?: SymbolListSource;
  /**
   * Where the exchange serves past candles, for backfill. Absent: the exchange serves none, and
   * history starts with the relay.
   */
  readonly candleHistory?: CandleHistorySource;
  /** What the exchange keeps to some plans (Finnhub: candles, forex rates). Absent: nothing. */
  readonly planLimits?: readonly PlanLimit[];
  /**
   * Where the exchange reports market hours (stocks: overnight, weekends, holidays). Absent: the
   * market never closes (crypto), and silence always means a broken feed.
   */
  readonly marketStatus?: MarketStatusSource;
  /**
   * The exchange's own words when an error frame means this account may not use the socket at
   * all (Massive: `auth_failed` "Your plan doesn't include websocket access."): reconnecting
   * cannot help until the plan changes. Undefined for any other error. Absent: no such refusal.
   */
  socketRefusal?(error: { code: number | string; message: string }): string | undefined;
  /**
   * Asked first about every error frame: true when it refused this account the socket the
   * adapter connects to and the adapter has stepped down to a lesser one the plan may allow
   * (Massive with `feed: 'auto'`: from the real-time host to the delayed host), so the next
   * connect goes there and the refusal is not final. Absent: no lesser socket.
   */
  stepDownSocket?(error: { code: number | string; message: string }): boolean;
  /** Which of the exchange's sockets the adapter connects to now (Massive: `realtime`, `delayed`), for the status. */
  socketFeed?(): string;
  /**
   * Like {@link socketRefusal} for an answer to {@link restTickerRequests} (HTTP `status`, body
   * text): the plan has no REST tickers (Massive: 403 `NOT_AUTHORIZED` on the snapshot, free plan).
   */
  restTickerRefusal?(status: number, bodyText: string): string | undefined;
}
