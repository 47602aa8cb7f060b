/**
 * A gateway replica, assembled: the key store and the limits on the Redis connection every
 * replica shares, the pods' health and the proxy to them, access control, and the HTTP API.
 * Stateless apart from Redis, so any number of replicas serve behind a load balancer. Stops in
 * reverse order: HTTP first (within the grace period), then the health checks and Redis.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { Agent } from 'undici';
import { closeRedisClients, type RedisClient } from '@tickwire/cluster';
import type { Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import { closeServer, createServiceServer, listenOn, type Readiness } from '@tickwire/service';
import { AccessControl, Authenticator } from './auth';
import type { Config } from './config';
import { gatewayKeys } from './gateway-keys';
import { createApp } from './http/app';
import { ApiKeyStore } from './keys';
import { LimitScripts, RateLimiter } from './limits';
import { createGatewayMetrics } from './metrics';
import { PodPool, PodProxy } from './routing';
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

export class Gateway implements Lifecycle {
  readonly keys: ApiKeyStore;
  readonly limiter: RateLimiter;
  readonly pods: PodPool;
  /** The scanner replicas, when SCANNER_URLS names any. */
  readonly scanners: PodPool | undefined;
  private readonly agent: Agent;
  private readonly server: Server;
  private readonly log: Logger;
  private phase: Readiness = 'starting';
  private stopped: Promise<void> | undefined;

  constructor(private readonly deps: GatewayDependencies) {
    const { config, logger, registry, redis } = deps;
    this.log = logger.child({ component: 'gateway' });
    const keys = gatewayKeys(config.GATEWAY_NAMESPACE);
    this.keys = new ApiKeyStore(redis, keys);
    const scripts = new LimitScripts(redis, keys);
    this.limiter = new RateLimiter(scripts);
    this.agent = new Agent({
      connect: { timeout: config.UPSTREAM_TIMEOUT_MS },
      keepAliveTimeout: POD_KEEP_ALIVE_MS,
    });
    this.pods = new PodPool({
      urls: config.MARKET_DATA_URLS,
      intervalMs: config.POD_HEALTH_INTERVAL_MS,
      dispatcher: this.agent,
      logger: logger.child({ component: 'pods' }),
    });
    this.scanners =
      config.SCANNER_URLS.length === 0
        ? undefined
        : new PodPool({
            urls: config.SCANNER_URLS,
            intervalMs: config.POD_HEALTH_INTERVAL_MS,
            dispatcher: this.agent,
            logger: logger.child({ component: 'scanners' }),
          });
    const metrics = createGatewayMetrics(registry, { pods: () => this.pods.counts() });
    const proxyTo = (pool: PodPool, component: string) =>
      new PodProxy({
        pool,
        dispatcher: this.agent,
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        metrics,
        logger: logger.child({ component }),
      });
    const window = { windowMs: config.RATE_LIMIT_WINDOW_MS };
    const authenticator = new Authenticator({
      store: this.keys,
      limiter: this.limiter,
      failures: { limit: config.AUTH_FAILURE_LIMIT, windowMs: config.AUTH_FAILURE_WINDOW_MS },
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
        proxy: proxyTo(this.pods, 'proxy'),
        scanner: this.scanners && proxyTo(this.scanners, 'scanner-proxy'),
        registry,
        metrics,
        logger: logger.child({ component: 'http' }),
        corsOrigins: config.CORS_ORIGINS,
        trustProxyHops: config.TRUST_PROXY_HOPS,
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

  /** Resolves once the replica serves HTTP and has probed the pods; undoes what it started if a step fails. */
  async start(): Promise<void> {
    try {
      await this.pods.start();
      await this.scanners?.start();
      await listenOn(this.server, { port: this.deps.config.PORT, host: this.deps.config.HOST });
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
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Idempotent: closes HTTP within the grace period, then the pods' checks and Redis. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  health() {
    return gatewayHealth({
      instanceId: this.deps.config.INSTANCE_ID,
      redisReady: this.deps.redis.status === 'ready',
      pods: this.pods.states(),
      now: Date.now(),
    });
  }

  private async shutdown(): Promise<void> {
    this.phase = 'shutting-down';
    const grace = setTimeout(() => {
      this.log.warn('grace period over; closing remaining connections');
      this.server.closeAllConnections();
    }, this.deps.config.SHUTDOWN_GRACE_MS);
    try {
      const closed = closeServer(this.server);
      this.server.closeIdleConnections();
      await closed;
      await this.pods.stop();
      await this.scanners?.stop();
      await this.agent.close();
      await closeRedisClients([this.deps.redis]);
    } finally {
      clearTimeout(grace);
    }
    this.log.info('gateway stopped');
  }
}
