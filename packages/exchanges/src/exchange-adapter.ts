/**
 * The pure part of talking to an exchange (STYLE rule 6): URLs, control frames, parsers and
 * limits. Connection behaviour (ping, watchdog, backoff, rotation) lives once, in the
 * market-data service's upstream, and works with any adapter.
 */
import type { ExchangeId, TickerUpdate } from '@tickwire/core';
import type { FeedMessage } from './feed-message';

export interface ExchangeLimits {
  /** Streams (symbol x channel) one connection may carry. */
  maxStreamsPerConnection: number;
  /** Messages the client may send per second per connection (control frames, pings, pongs). */
  maxClientMessagesPerSecond: number;
  /** Connection attempts allowed per `connectWindowMs` per IP. */
  maxConnectsPerWindow: number;
  connectWindowMs: number;
  /** The exchange cuts a connection after this long. */
  maxConnectionAgeMs: number;
}

export interface ExchangeAdapter {
  readonly id: ExchangeId;
  /** Link to the protocol documentation the adapter follows. */
  readonly docsUrl: string;
  readonly limits: ExchangeLimits;
  /** Exchange stream names for one symbol (Binance: `btcusdt@ticker`, ...). */
  streamsFor(symbol: string): string[];
  /** The URL to open for these streams (they may also be subscribed after connecting). */
  connectUrl(wsBaseUrl: string, streams: readonly string[]): string;
  /** Control frames that subscribe to `streams`, chunked to the exchange's limits; ids from `nextId`. */
  subscribeFrames(streams: readonly string[], nextId: () => number): string[];
  unsubscribeFrames(streams: readonly string[], nextId: () => number): string[];
  /** Parses one text frame; never throws. */
  parse(text: string, receiveTime: number): FeedMessage;
  /** REST URL that returns the latest tickers for all `symbols` in one request. */
  restTickersUrl(restBaseUrl: string, symbols: readonly string[]): string;
  /** Parses that REST response body (already JSON-decoded); throws on a malformed body. */
  parseRestTickers(body: unknown, receiveTime: number): TickerUpdate[];
}
