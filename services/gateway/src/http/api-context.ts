/** What the gateway's HTTP layer needs; the gateway builds it, routes only read it. */
import type { Registry } from 'prom-client';
import type { HealthReport, Logger } from '@tickwire/observability';
import type { Readiness } from '@tickwire/service';
import type { AccessControl, ProxyTrust, ThrottleGuard } from '../auth';
import type { ApiKeyStore } from '../keys';
import type { GatewayMetrics } from '../metrics';
import type { ClusterView } from '../admin';
import type { UpstreamProxy, PriceCache } from '../routing';
import type { StreamTokenIssuer } from '../streams';

export interface ApiContext {
  access: AccessControl;
  keys: ApiKeyStore;
  proxy: UpstreamProxy;
  /** To the scanner replicas (SCANNER_URLS). */
  scannerProxy: UpstreamProxy;
  /** Price answers kept for PRICE_CACHE_TTL_MS. */
  priceCache: PriceCache;
  cluster: ClusterView;
  /** Undefined when STREAM_TOKEN_SECRET is unset. */
  tokens: StreamTokenIssuer | undefined;
  registry: Registry;
  metrics: GatewayMetrics;
  logger: Logger;
  corsOrigins: readonly string[];
  /** Which hops of a request's address chain are our proxies (TRUST_PROXY_HOPS). */
  proxyTrust: ProxyTrust;
  /** Refuses throttled addresses before the routes. */
  throttleGuard: ThrottleGuard;
  /** Clients reach the gateway over HTTPS (BEHIND_TLS): HSTS is sent. */
  behindTls: boolean;
  health(): HealthReport;
  readiness(): Readiness;
}
