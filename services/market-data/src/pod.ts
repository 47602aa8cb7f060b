/**
 * A market-data pod: engine (election + distribution), hub, HTTP API, and, while this pod
 * leads, the upstream and publisher. Starts in dependency order and stops in reverse, with
 * leadership (and with it the upstream) released first (STYLE rule 10).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import {
  isNotLeaderError,
  parseStreamId,
  type Engine,
  type LeadershipState,
  type TickBatch,
} from '@tickwire/cluster';
import type { ExchangeAdapter } from '@tickwire/exchanges';
import { buildHealthReport, type HealthCheck, type HealthReport, type Logger } from '@tickwire/observability';
import type { Config } from './config';
import { Hub } from './hub/hub';
import type { ApiContext } from './http/api-context';
import { createApp } from './http/app';
import { createPodMetrics, type PodMetrics } from './metrics';
import type { PodStatus, StreamStatus } from './pod-status';
import { Publisher } from './publisher';
import { isTickerStale, servingState } from './serving-state';
import { Upstream, type UpstreamStatus } from './upstream/upstream';

export interface PodDependencies {
  config: Config;
  logger: Logger;
  registry: Registry;
  adapter: ExchangeAdapter;
  /** From `createEngine`; the pod owns it from here and closes it on stop. */
  engine: Engine;
}

/** How often the serving state is re-evaluated for status events (ms). */
const STATUS_CHECK_INTERVAL_MS = 1_000;

export class Pod {
  private readonly config: Config;
  private readonly log: Logger;
  private readonly metrics: PodMetrics;
  private readonly engine: Engine;
  private readonly hub: Hub;
  private readonly server: Server;
  private readonly symbolSet: ReadonlySet<string>;
  private upstream: Upstream | undefined;
  private publisher: Publisher | undefined;
  private leadershipChain: Promise<void> = Promise.resolve();
  private statusTimer: NodeJS.Timeout | undefined;
  private lastStreamStatus = '';
  private ready = false;
  private shuttingDown = false;
  private stopped: Promise<void> | undefined;
  private readonly startedAt = new Date();
  private unsubscribers: (() => void)[] = [];
  private lastRole: LeadershipState['role'] = 'follower';

  constructor(private readonly deps: PodDependencies) {
    this.config = deps.config;
    this.log = deps.logger.child({ component: 'pod' });
    this.metrics = createPodMetrics(deps.registry);
    this.symbolSet = new Set(deps.config.SYMBOLS);
    this.engine = deps.engine;
    this.hub = new Hub({
      heartbeatMs: deps.config.SSE_HEARTBEAT_MS,
      maxClientBufferBytes: deps.config.SSE_MAX_CLIENT_BUFFER_BYTES,
      stuckClientMs: deps.config.SSE_STUCK_CLIENT_MS,
      flushIntervalMs: deps.config.SSE_FLUSH_INTERVAL_MS,
      candleHistory: deps.config.CANDLE_HISTORY,
      logger: deps.logger.child({ component: 'hub' }),
      metrics: this.metrics,
    });
    this.server = createServer(createApp(this.apiContext()));
    // SSE streams live for hours; only the request head has to arrive in time.
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 15_000;
  }

  /** Resolves once the pod serves HTTP; undoes what it started if a step fails. */
  async start(): Promise<void> {
    const { distribution, election } = this.engine;
    try {
      this.unsubscribers.push(distribution.onBatch((batch) => this.applyBatch(batch)));
      await distribution.start();
      this.hub.load(await distribution.snapshot());
      await this.hub.start();
      await this.listen();
      this.unsubscribers.push(election.onChange((state) => this.onLeadership(state)));
      election.setReporter(() => JSON.stringify(this.upstream?.status() ?? null));
      await election.start();
      this.statusTimer = setInterval(() => this.checkStatus(), STATUS_CHECK_INTERVAL_MS);
      this.ready = true;
      this.log.info(
        { port: this.port(), engine: this.engine.kind, symbols: this.config.SYMBOLS },
        'pod started',
      );
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Idempotent: releases leadership first, ends streams, closes HTTP within the grace period. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  private async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.ready = false;
    clearInterval(this.statusTimer);
    const grace = setTimeout(() => {
      this.log.warn('grace period over; closing remaining connections');
      this.server.closeAllConnections();
    }, this.config.SHUTDOWN_GRACE_MS);
    try {
      // The upstream closes before the lease is released, so two never overlap; the release
      // then tells a follower to take over at once.
      await this.leadershipChain;
      await this.stopLeaderWork();
      await this.engine.election.stop();
      await this.leadershipChain;
      const closed = this.closeServer();
      await this.hub.stop();
      this.server.closeIdleConnections();
      await closed;
      for (const unsubscribe of this.unsubscribers) unsubscribe();
      await this.engine.distribution.stop();
      await this.engine.close();
    } finally {
      clearTimeout(grace);
    }
    this.log.info('pod stopped');
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.PORT, this.config.HOST, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  private closeServer(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  private applyBatch(batch: TickBatch): void {
    this.hub.applyBatch(batch);
    const position = parseStreamId(batch.id);
    if (position) this.metrics.streamLag.observe(Math.max(0, Date.now() - Number(position.ms)) / 1000);
  }

  /** Leadership changes are applied one at a time, in order. */
  private onLeadership(state: LeadershipState): void {
    this.metrics.leader.set(state.role === 'leader' ? 1 : 0);
    this.metrics.leaderEpoch.set(state.epoch);
    if (state.role !== this.lastRole) this.metrics.leaderTransitions.inc({ role: state.role });
    this.lastRole = state.role;
    this.log.info({ role: state.role, leaderId: state.leaderId, epoch: state.epoch }, 'leadership changed');
    this.leadershipChain = this.leadershipChain.then(async () => {
      if (state.role === 'leader' && !this.shuttingDown) await this.startLeaderWork();
      else await this.stopLeaderWork();
      this.checkStatus();
    });
  }

  private async startLeaderWork(): Promise<void> {
    if (this.upstream) return;
    const publisher = new Publisher({
      distribution: this.engine.distribution,
      batchMs: this.config.PUBLISH_BATCH_MS,
      logger: this.deps.logger.child({ component: 'publisher' }),
      metrics: this.metrics,
      onRefused: (error) => {
        if (!isNotLeaderError(error)) return;
        this.metrics.fencedWrites.inc();
        this.engine.election.stepDown(error.message);
      },
    });
    await publisher.start();
    const upstream = new Upstream({
      adapter: this.deps.adapter,
      wsBaseUrl: this.config.BINANCE_WS_URL,
      restBaseUrl: this.config.BINANCE_REST_URL,
      restPollMs: this.config.REST_FALLBACK_POLL_MS,
      symbols: this.config.SYMBOLS,
      watchdogMs: this.config.UPSTREAM_WATCHDOG_MS,
      backoffBaseMs: this.config.UPSTREAM_BACKOFF_BASE_MS,
      backoffMaxMs: this.config.UPSTREAM_BACKOFF_MAX_MS,
      breakerFailures: this.config.UPSTREAM_BREAKER_FAILURES,
      breakerResetMs: this.config.UPSTREAM_BREAKER_RESET_MS,
      logger: this.deps.logger.child({ component: 'upstream', exchange: this.deps.adapter.id }),
      metrics: this.metrics,
      // Checked per frame on the local clock: a leader that was frozen past its deadline steps
      // down (and closes this connection) on the first frame it reads after waking.
      onUpdates: (updates) => {
        if (this.engine.election.confirmLeadership()) publisher.publish(updates);
      },
      onStatus: () => this.checkStatus(),
    });
    this.publisher = publisher;
    this.upstream = upstream;
    await upstream.start();
    this.log.info('leading: upstream started');
  }

  /** The upstream stops before the publisher, so no update is taken that cannot be written. */
  private async stopLeaderWork(): Promise<void> {
    const { upstream, publisher } = this;
    this.upstream = undefined;
    this.publisher = undefined;
    if (upstream) await upstream.stop();
    if (publisher) await publisher.stop();
    if (upstream) this.log.info('upstream stopped');
  }

  /** Tells every stream when the status changed; returns it, so a new stream starts from the same. */
  private checkStatus(): StreamStatus {
    const stream = this.status().stream;
    if (this.shuttingDown) return stream;
    const key = JSON.stringify(stream);
    if (key === this.lastStreamStatus) return stream;
    this.lastStreamStatus = key;
    this.hub.broadcastStatus(stream);
    return stream;
  }

  private status(): PodStatus {
    const now = Date.now();
    const leadership = this.engine.election.state();
    const own = this.upstream?.status();
    const upstream =
      own ?? (leadership.role === 'follower' ? parseReport(leadership.leaderReport) : undefined);
    const lastBatch = this.hub.lastBatchInfo();
    const distribution = this.engine.distribution.connection();
    const state = servingState({
      now,
      staleAfterMs: this.config.STALE_AFTER_MS,
      lastBatchAt: lastBatch?.appliedAt,
      distributionConnected: distribution.connected,
      upstreamConnection: upstream?.connection,
    });
    const stream: StreamStatus = {
      state,
      leaderId: leadership.leaderId ?? null,
      epoch: leadership.epoch,
      upstream: upstream ? { connection: upstream.connection, breaker: upstream.breaker } : null,
    };
    return {
      instanceId: leadership.instanceId,
      role: leadership.role,
      leaderId: leadership.leaderId ?? null,
      epoch: leadership.epoch,
      engine: this.engine.kind,
      state,
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((now - this.startedAt.getTime()) / 1000),
      lease: this.engine.election.lease(),
      distribution,
      upstream: upstream ?? null,
      upstreamHeldHere: own !== undefined,
      symbols: this.config.SYMBOLS,
      sseClients: this.hub.clientCount(),
      lastBatchId: lastBatch?.id ?? null,
      lastBatchAgeMs: lastBatch ? now - lastBatch.appliedAt : null,
      stream,
    };
  }

  private health(): HealthReport {
    const status = this.status();
    const time = new Date().toISOString();
    const now = Date.now();
    const checks: Record<string, HealthCheck[]> = {};
    if (status.engine === 'redis') {
      const reachable = status.distribution.connected && status.lease.reachable;
      checks['redis:connection'] = [
        {
          componentType: 'datastore',
          status: reachable ? 'pass' : 'fail',
          observedValue: reachable ? 'connected' : 'unreachable',
          ...(reachable
            ? {}
            : { output: `Redis unreachable: ${status.distribution.error ?? 'election store'}` }),
          time,
        },
      ];
    }
    const connection = status.upstream?.connection ?? (status.leaderId === null ? 'no leader' : 'unknown');
    checks['upstream:connection'] = [
      {
        componentType: 'component',
        status: connection === 'open' ? 'pass' : 'fail',
        observedValue: connection,
        ...(connection === 'open' ? {} : { output: `exchange connection is ${connection}` }),
        time,
      },
    ];
    const staleSymbols = this.config.SYMBOLS.filter((symbol) => {
      const ticker = this.hub.ticker(symbol);
      return !ticker || isTickerStale(ticker.receiveTime, now, this.config.STALE_AFTER_MS);
    });
    const allStale = status.state === 'stale' || staleSymbols.length === this.config.SYMBOLS.length;
    checks['prices:freshness'] = [
      {
        componentType: 'component',
        status: allStale ? 'fail' : staleSymbols.length > 0 ? 'warn' : 'pass',
        observedValue: staleSymbols.length,
        observedUnit: 'stale symbols',
        ...(staleSymbols.length > 0
          ? { output: `no price newer than ${this.config.STALE_AFTER_MS} ms for ${staleSymbols.join(', ')}` }
          : allStale
            ? { output: 'serving the last known prices: not following the distribution' }
            : {}),
        time,
      },
    ];
    return buildHealthReport(status.instanceId, 'tickwire market-data pod', checks);
  }

  private apiContext(): ApiContext {
    return {
      limits: {
        maxSymbolsPerRequest: this.config.MAX_SYMBOLS_PER_REQUEST,
        maxSseClients: this.config.SSE_MAX_CLIENTS,
        sseRetryMs: this.config.SSE_RETRY_MS,
        candleHistory: this.config.CANDLE_HISTORY,
      },
      hub: this.hub,
      distribution: this.engine.distribution,
      registry: this.deps.registry,
      metrics: this.metrics,
      logger: this.deps.logger.child({ component: 'http' }),
      symbols: this.config.SYMBOLS,
      isKnownSymbol: (symbol) => this.symbolSet.has(symbol),
      isStale: (ticker) =>
        !this.engine.distribution.connection().connected ||
        isTickerStale(ticker.receiveTime, Date.now(), this.config.STALE_AFTER_MS),
      status: () => this.status(),
      streamStatus: () => this.checkStatus(),
      health: () => this.health(),
      isReady: () => this.ready,
      isShuttingDown: () => this.shuttingDown,
      now: () => Date.now(),
    };
  }
}

/** The leader's report as a follower reads it; undefined when absent or not a status. */
function parseReport(report: string | undefined): UpstreamStatus | undefined {
  if (!report) return undefined;
  try {
    const value = JSON.parse(report) as UpstreamStatus | null;
    return value && typeof value.connection === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
