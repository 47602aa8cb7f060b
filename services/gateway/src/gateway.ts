/**
 * A gateway replica, assembled: the key store and the limits on the Redis connection every
 * replica shares, the pods' health and the proxy to them, access control, and the HTTP API.
 * Stateless apart from Redis, so any number of replicas serve behind a load balancer. Stops in
 * reverse order: HTTP first (within the grace period), then the health checks and Redis.
 */
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { Agent } from 'undici';
import { closeRedisClients, type RedisClient } from '@tickwire/cluster';
import type { Logger } from '@tickwire/observability';
import { createServiceServer, HttpService, type Readiness } from '@tickwire/service';
import { AccessControl, Authenticator, ThrottledAddresses, ThrottleGuard, trustedProxyHops } from './auth';
import type { Config } from './config';
import { gatewayKeys } from './gateway-keys';
import { createApp } from './http/app';
import { httpErrors } from './http/errors';
import { ApiKeyStore } from './keys';
import { LimitScripts, RateLimiter } from './limits';
import { createGatewayMetrics } from './metrics';
import { ClusterView } from './admin';
import { UpstreamPool, UpstreamProxy, PriceCache } from './routing';
import { gatewayHealth } from './status/gateway-health';
import { StreamTokenIssuer } from './streams';

export interface GatewayDependencies {
  config: Config;
  logger: Logger;
  registry: Registry;
  /** A connected client (openRedisClients); the gateway owns it from here and closes it on stop. */
  redis: RedisClient;
}

/** Slowloris guard: the whole request head must arrive within this (ms). */
const HEADERS_TIMEOUT_MS = 10_000;
/** A REST request (head and body) must arrive within this (ms); streams are not affected. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Idle keep-alive connections to pods are closed after this (ms). */
const POD_KEEP_ALIVE_MS = 10_000;

export class Gateway extends HttpService {
  readonly keys: ApiKeyStore;
  readonly limiter: RateLimiter;
  readonly pods: UpstreamPool;
  readonly scanners: UpstreamPool;
  readonly priceCache: PriceCache;
  private readonly throttleGuard: ThrottleGuard;
  private readonly agent: Agent;
  protected readonly server: Server;
  private phase: Readiness = 'starting';

  constructor(private readonly deps: GatewayDependencies) {
    super(deps.logger.child({ component: 'gateway' }), deps.config.SHUTDOWN_GRACE_MS);
    const { config, logger, registry, redis } = deps;
    const keys = gatewayKeys(config.GATEWAY_NAMESPACE);
    this.keys = new ApiKeyStore(redis, keys);
    const scripts = new LimitScripts(redis, keys);
    this.limiter = new RateLimiter(scripts);
    this.agent = new Agent({
      connect: { timeout: config.UPSTREAM_TIMEOUT_MS },
      keepAliveTimeout: POD_KEEP_ALIVE_MS,
    });
    this.pods = new UpstreamPool({
      kind: 'pod',
      urls: config.MARKET_DATA_URLS,
      intervalMs: config.POD_HEALTH_INTERVAL_MS,
      dispatcher: this.agent,
      logger: logger.child({ component: 'pods' }),
    });
    const metrics = createGatewayMetrics(registry, {
      pods: () => this.pods.counts(),
      heldRefusals: () => this.throttleGuard.heldRefusals(),
    });
    this.scanners = new UpstreamPool({
      kind: 'scanner',
      urls: config.SCANNER_URLS,
      intervalMs: config.POD_HEALTH_INTERVAL_MS,
      dispatcher: this.agent,
      logger: logger.child({ component: 'scanners' }),
    });
    const scannerProxy = new UpstreamProxy({
      pool: this.scanners,
      dispatcher: this.agent,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      upstreamName: 'the scanner',
      noneReady:
        config.SCANNER_URLS.length > 0 ? httpErrors.noHealthyScanner : httpErrors.scannerNotConfigured,
      metrics,
      logger: logger.child({ component: 'scanner-proxy' }),
    });
    const proxy = new UpstreamProxy({
      pool: this.pods,
      dispatcher: this.agent,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      upstreamName: 'the market-data pod',
      noneReady: httpErrors.noHealthyPod,
      metrics,
      logger: logger.child({ component: 'proxy' }),
    });
    this.priceCache = new PriceCache({
      proxy,
      metrics,
      ttlMs: config.PRICE_CACHE_TTL_MS,
      maxEntries: config.PRICE_CACHE_MAX_ENTRIES,
    });
    const window = { windowMs: config.RATE_LIMIT_WINDOW_MS };
    const authFailures = {
      name: 'auth',
      limit: config.AUTH_FAILURE_LIMIT,
      windowMs: config.AUTH_FAILURE_WINDOW_MS,
    };
    const throttled = new ThrottledAddresses();
    const proxyTrust = trustedProxyHops(config.TRUST_PROXY_HOPS);
    this.throttleGuard = new ThrottleGuard({
      throttled,
      policy: authFailures,
      delayMs: config.AUTH_THROTTLE_DELAY_MS,
      trust: proxyTrust,
      metrics,
    });
    const authenticator = new Authenticator({
      store: this.keys,
      limiter: this.limiter,
      failures: authFailures,
      throttled,
      metrics,
      logger: logger.child({ component: 'auth' }),
    });
    this.server = createServiceServer(
      createApp({
        access: new AccessControl({
          authenticator,
          limiter: this.limiter,
          anonymousGroups: config.ANONYMOUS_READ,
          keyRate: { limit: config.KEY_RATE_LIMIT, ...window },
          anonymousRate: { limit: config.ANONYMOUS_RATE_LIMIT, ...window },
          metrics,
        }),
        keys: this.keys,
        tokens:
          config.STREAM_TOKEN_SECRET === undefined
            ? undefined
            : new StreamTokenIssuer({
                secret: config.STREAM_TOKEN_SECRET,
                lifetimeMs: config.STREAM_TOKEN_TTL_MS,
                maxStreamsPerKey: config.MAX_STREAMS_PER_KEY,
                anonymousMaxStreams: config.ANONYMOUS_MAX_STREAMS,
              }),
        proxy,
        scannerProxy,
        priceCache: this.priceCache,
        cluster: new ClusterView({ pool: this.pods, dispatcher: this.agent }),
        registry,
        metrics,
        logger: logger.child({ component: 'http' }),
        corsOrigins: config.CORS_ORIGINS,
        proxyTrust,
        throttleGuard: this.throttleGuard,
        behindTls: config.BEHIND_TLS,
        health: () => this.health(),
        readiness: () => this.phase,
      }),
      {
        maxHeaderSize: config.MAX_HEADER_BYTES,
        headersTimeout: HEADERS_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
      },
    );
  }

  /** Probes the pods, then serves HTTP; undone by `stop()` if a step fails. */
  protected async startUp(): Promise<void> {
    await Promise.all([this.pods.start(), this.scanners.start()]);
    await this.listen({ port: this.deps.config.PORT, host: this.deps.config.HOST });
    this.phase = 'ready';
    const { configured, healthy } = this.pods.counts();
    this.log.info(
      {
        port: this.port(),
        namespace: this.deps.config.GATEWAY_NAMESPACE,
        pods: configured,
        readyPods: healthy,
      },
      'gateway started',
    );
  }

  /** Connections to pods and scanners, and the requests running on them now. */
  upstreamLoad(): { connected: number; running: number } {
    const pools = Object.values(this.agent.stats);
    return {
      connected: pools.reduce((sum, pool) => sum + Number(pool.connected), 0),
      running: pools.reduce((sum, pool) => sum + Number(pool.running), 0),
    };
  }

  health() {
    return gatewayHealth({
      instanceId: this.deps.config.INSTANCE_ID,
      redisReady: this.deps.redis.status === 'ready',
      pods: this.pods.states(),
      scanners: this.scanners.states(),
      now: Date.now(),
    });
  }

  /** Closes HTTP, then the pods' checks, the connections to them and Redis. */
  protected async shutDown(): Promise<void> {
    this.phase = 'shutting-down';
    await this.closeHttp();
    await Promise.all([this.pods.stop(), this.scanners.stop()]);
    await this.agent.close();
    await closeRedisClients([this.deps.redis]);
    this.log.info('gateway stopped');
  }
}
