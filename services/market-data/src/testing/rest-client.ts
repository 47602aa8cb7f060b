/** A quiet REST client that knows the given exchanges as venues, as the pod builds it. */
import type { ExchangeAdapter } from '@tickwire/exchanges';
import { createLogger } from '@tickwire/observability';
import { RestClient, type RestClientOptions } from '@tickwire/service';
import { exchangeRestVenue } from '../exchange-rest-venue';

export function testRestClient(
  exchanges: readonly { adapter: ExchangeAdapter; restBaseUrl: string; symbols?: readonly string[] }[],
  options: Partial<RestClientOptions> = {},
): RestClient {
  return new RestClient({
    venues: exchanges.map(({ adapter, restBaseUrl, symbols }) =>
      exchangeRestVenue(adapter, restBaseUrl, symbols),
    ),
    logger: createLogger({ level: 'silent', service: 'test' }),
    ...options,
  });
}
