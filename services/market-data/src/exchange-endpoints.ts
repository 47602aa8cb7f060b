/**
 * The exchanges a pod connects to, built from the configuration once (STYLE rule 9): each
 * adapter with the WebSocket and REST bases it talks to, and the exchange as a venue of the REST
 * client. The first is the default exchange for bare symbols (see the README's "Symbols").
 */
import type { ExchangeId } from '@tickwire/core';
import {
  DEFAULT_FINNHUB_ADAPTER_OPTIONS,
  createBinanceAdapter,
  createCoinbaseAdapter,
  createFinnhubAdapter,
  createMassiveAdapter,
  fromCanonicalSymbol,
  type ExchangeAdapter,
} from '@tickwire/exchanges';
import type { RestVenue } from '@tickwire/service';
import type { Config } from './config';
import { exchangeRestVenue } from './exchange-rest-venue';

export interface ExchangeEndpoint {
  adapter: ExchangeAdapter;
  wsBaseUrl: string;
  restBaseUrl: string;
  /** The exchange's REST budget and rules, one per process (every REST caller shares it). */
  restVenue: RestVenue;
}

export function exchangeEndpoints(config: Config): ExchangeEndpoint[] {
  return config.EXCHANGES.map((id) => {
    const endpoint = endpointOf(config, id);
    const configured = config.SYMBOLS.filter((symbol) => fromCanonicalSymbol(symbol)?.exchange === id);
    return { ...endpoint, restVenue: exchangeRestVenue(endpoint.adapter, endpoint.restBaseUrl, configured) };
  });
}

function endpointOf(config: Config, id: ExchangeId): Omit<ExchangeEndpoint, 'restVenue'> {
  switch (id) {
    case 'binance':
      return {
        adapter: createBinanceAdapter({ streams: config.BINANCE_STREAMS }),
        wsBaseUrl: config.BINANCE_WS_URL,
        restBaseUrl: config.BINANCE_REST_URL,
      };
    case 'coinbase':
      return {
        adapter: createCoinbaseAdapter(),
        wsBaseUrl: config.COINBASE_WS_URL,
        restBaseUrl: config.COINBASE_REST_URL,
      };
    case 'finnhub':
      return {
        // config.ts requires the key whenever finnhub is listed.
        adapter: createFinnhubAdapter({
          token: config.FINNHUB_API_KEY ?? '',
          maxSymbols: config.FINNHUB_MAX_SYMBOLS,
          symbolListExchanges: {
            ...DEFAULT_FINNHUB_ADAPTER_OPTIONS.symbolListExchanges,
            forex: config.FINNHUB_FOREX_EXCHANGES,
          },
        }),
        wsBaseUrl: config.FINNHUB_WS_URL,
        restBaseUrl: config.FINNHUB_REST_URL,
      };
    case 'massive':
      return {
        // config.ts requires the key whenever massive is listed.
        adapter: createMassiveAdapter({
          apiKey: config.MASSIVE_API_KEY ?? '',
          feed: config.MASSIVE_FEED,
          delayedWsBaseUrl: config.MASSIVE_DELAYED_WS_URL,
          restCallsPerMinute: config.MASSIVE_REST_CALLS_PER_MINUTE,
        }),
        // `auto` starts on the real-time host; the adapter steps down to the delayed one.
        wsBaseUrl:
          config.MASSIVE_FEED === 'delayed' ? config.MASSIVE_DELAYED_WS_URL : config.MASSIVE_REALTIME_WS_URL,
        restBaseUrl: config.MASSIVE_REST_URL,
      };
  }
}
