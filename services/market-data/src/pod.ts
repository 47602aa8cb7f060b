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
import type { ExchangeId } from '@tickwire/core';
import { fromCanonicalSymbol, resolveSymbol } from '@tickwire/exchanges';
import { buildHealthReport, type HealthCheck, type HealthReport, type Logger } from '@tickwire/observability';
import { RestClient } from '@tickwire/service';
import type { Config } from './config';
import type { ExchangeEndpoint } from './exchange-endpoints';
import { Hub } from './hub/hub';
import type { ApiContext } from './http/api-context';
import { createApp } from './http/app';
import { createPodMetrics, type PodMetrics } from './metrics';
import type { PodStatus, StreamStatus } from './pod-status';
import { Publisher } from './publisher';
import { isTickerStale, servingState } from './serving-state';
import { LocalInterest } from './symbols/local-interest';
import { SymbolCatalog, type SymbolLookup } from './symbols';
import { SymbolDemand } from './symbols/symbol-demand';
import { Upstream, type UpstreamStatus } from './upstream/upstream';

export interface PodDependencies {
  config: Config;
  logger: Logger;
  registry: Registry;
  /** The exchanges to connect to, the default one (for bare symbols) first. */
  exchanges: readonly ExchangeEndpoint[];
  /** From `createEngine`; the pod owns it from here and closes it on stop. */
  engine: Engine;
}

/** How often the serving state is re-evaluated for status events (ms). */
const STATUS_CHECK_INTERVAL_MS = 1_000;
/** A pod starts serving after this long even when an exchange's symbol list has not loaded (ms). */
const CATALOG_START_TIMEOUT_MS = 3_000;
/** The leader reads the interest registry at least this often to see expired symbols (ms). */
const MAX_DEMAND_POLL_MS = 5_000;
/**
 * Pending connections the kernel queues before the pod accepts them (capped by
 * net.core.somaxconn). Node's default, 511, overflowed when thousands of SSE clients reconnected
 * at once while the pod was busy (bench/RESULTS.md, connect storm): clients then wait for SYN
 * retries, seconds each.
 */
const LISTEN_BACKLOG = 4_096;

export class Pod {
  private readonly config: Config;
  private readonly log: Logger;
  private readonly metrics: PodMetrics;
  private readonly engine: Engine;
  private readonly hub: Hub;
  private readonly server: Server;
  private readonly symbolSet: ReadonlySet<string>;
  /** One per process: the REST fallback and the symbol catalog spend the same budget per exchange. */
  private readonly rest: RestClient;
  private readonly catalog: SymbolCatalog | undefined;
  private readonly interest: LocalInterest;
  private readonly defaultExchange: ExchangeId;
  private upstreams: Upstream[] = [];
  private demand: SymbolDemand | undefined;
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
    this.defaultExchange = deps.exchanges[0]?.adapter.id ?? 'binance';
    this.engine = deps.engine;
    this.rest = new RestClient({
      venues: deps.exchanges.map(({ restVenue }) => restVenue),
      logger: deps.logger,
      metrics: this.metrics.rest,
    });
    this.catalog = deps.config.DYNAMIC_SYMBOLS
      ? new SymbolCatalog({
          adapters: deps.exchanges.map(({ adapter, restBaseUrl }) => ({ adapter, restBaseUrl })),
          alwaysKnown: deps.config.SYMBOLS,
          rest: this.rest,
          logger: deps.logger.child({ component: 'symbol-catalog' }),
          refreshMs: deps.config.SYMBOL_CATALOG_REFRESH_MS,
          startTimeoutMs: CATALOG_START_TIMEOUT_MS,
        })
      : undefined;
    this.hub = new Hub({
      heartbeatMs: deps.config.SSE_HEARTBEAT_MS,
      maxClientBufferBytes: deps.config.SSE_MAX_CLIENT_BUFFER_BYTES,
      stuckClientMs: deps.config.SSE_STUCK_CLIENT_MS,
      flushIntervalMs: deps.config.SSE_FLUSH_INTERVAL_MS,
      candleHistory: deps.config.CANDLE_HISTORY,
      logger: deps.logger.child({ component: 'hub' }),
      metrics: this.metrics,
    });
    this.interest = new LocalInterest({
      interest: deps.engine.interest,
      graceMs: deps.config.SYMBOL_GRACE_MS,
      current: () => this.hub.subscribedSymbols(),
      logger: deps.logger.child({ component: 'symbol-interest' }),
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
      await this.engine.interest.start();
      await this.catalog?.start();
      await this.interest.start();
      await this.listen();
      this.unsubscribers.push(election.onChange((state) => this.onLeadership(state)));
      election.setReporter(() =>
        JSON.stringify(this.upstreams.length > 0 ? this.upstreams.map((u) => u.status()) : null),
      );
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
      await this.interest.stop();
      await this.catalog?.stop();
      await this.engine.interest.stop();
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
      this.server.listen({ port: this.config.PORT, host: this.config.HOST, backlog: LISTEN_BACKLOG }, () => {
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
    if (this.upstreams.length > 0) return;
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
    const config = this.config;
    const upstreams = this.deps.exchanges.map(
      ({ adapter, wsBaseUrl, restBaseUrl }) =>
        new Upstream({
          adapter,
          wsBaseUrl,
          restBaseUrl,
          rest: this.rest,
          restPollMs: config.REST_FALLBACK_POLL_MS,
          symbols: config.SYMBOLS.filter((symbol) => exchangeOf(symbol) === adapter.id),
          watchdogMs: config.UPSTREAM_WATCHDOG_MS,
          backoffBaseMs: config.UPSTREAM_BACKOFF_BASE_MS,
          backoffMaxMs: config.UPSTREAM_BACKOFF_MAX_MS,
          breakerFailures: config.UPSTREAM_BREAKER_FAILURES,
          breakerResetMs: config.UPSTREAM_BREAKER_RESET_MS,
          rotateAfterMs: config.UPSTREAM_ROTATE_AFTER_MS,
          rotationOverlapMs: config.UPSTREAM_ROTATION_OVERLAP_MS,
          symbolStaleMs: config.UPSTREAM_SYMBOL_STALE_MS,
          logger: this.deps.logger.child({ component: 'upstream', exchange: adapter.id }),
          metrics: this.metrics,
          // Checked per frame on the local clock: a leader that was frozen past its deadline steps
          // down (and closes this connection) on the first frame it reads after waking.
          onUpdates: (updates) => {
            if (this.engine.election.confirmLeadership()) publisher.publish(updates);
          },
          onStatus: () => this.checkStatus(),
        }),
    );
    const demand = new SymbolDemand({
      interest: this.engine.interest,
      configured: config.SYMBOLS,
      dynamic: config.DYNAMIC_SYMBOLS,
      accept: (symbol) => upstreams.some((upstream) => upstream.exchange === exchangeOf(symbol)),
      debounceMs: config.SYMBOL_DEBOUNCE_MS,
      pollMs: Math.min(MAX_DEMAND_POLL_MS, Math.max(100, Math.floor(config.SYMBOL_GRACE_MS / 4))),
      logger: this.deps.logger.child({ component: 'symbol-demand' }),
      onChange: (symbols) => {
        this.log.info({ count: symbols.length }, 'carrying symbols');
        for (const upstream of upstreams)
          upstream.setSymbols(symbols.filter((symbol) => exchangeOf(symbol) === upstream.exchange));
      },
    });
    this.publisher = publisher;
    this.upstreams = upstreams;
    this.demand = demand;
    await Promise.all(upstreams.map((upstream) => upstream.start()));
    await demand.start();
    this.log.info('leading: upstream started');
  }

  /** The upstream stops before the publisher, so no update is taken that cannot be written. */
  private async stopLeaderWork(): Promise<void> {
    const { upstreams, publisher, demand } = this;
    this.upstreams = [];
    this.publisher = undefined;
    this.demand = undefined;
    await demand?.stop();
    await Promise.all(upstreams.map((upstream) => upstream.stop()));
    if (publisher) await publisher.stop();
    if (upstreams.length > 0) this.log.info('upstream stopped');
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
    const own = this.upstreams.length > 0 ? this.upstreams.map((u) => u.status()) : undefined;
    const upstreams =
      own ?? (leadership.role === 'follower' ? parseReport(leadership.leaderReport) : undefined);
    const upstream = upstreams && summarize(upstreams);
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
      upstreams: upstreams ?? [],
      upstreamHeldHere: own !== undefined,
      symbols: this.config.SYMBOLS,
      symbolCatalog: this.catalog?.state() ?? null,
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
    const noUpstream = status.leaderId === null ? 'no leader' : 'unknown';
    const connections =
      status.upstreams.length > 0
        ? status.upstreams.map((u) => ({ exchange: u.exchange, connection: u.connection }))
        : [{ exchange: this.defaultExchange, connection: noUpstream }];
    checks['upstream:connection'] = connections.map(({ exchange, connection }) => ({
      componentId: exchange,
      componentType: 'component',
      // An exchange nobody asked a symbol of holds no connection, and needs none.
      status: connection === 'open' || connection === 'idle' ? 'pass' : 'fail',
      observedValue: connection,
      ...(connection === 'open' || connection === 'idle'
        ? {}
        : { output: `${exchange} connection is ${connection}` }),
      time,
    }));
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

  /** Configured symbols are known; others when the exchange lists them (and clients may pick). */
  private lookupSymbol(symbol: string): SymbolLookup {
    if (this.symbolSet.has(symbol)) return 'known';
    if (!this.catalog) return 'unknown';
    return this.catalog.lookup(symbol);
  }

  /** Registers symbols clients asked for, so the leader carries them; configured ones always are. */
  private wantSymbols(symbols: Iterable<string>): void {
    if (!this.catalog) return;
    const extra: string[] = [];
    for (const symbol of symbols) if (!this.symbolSet.has(symbol)) extra.push(symbol);
    if (extra.length > 0) this.interest.want(extra);
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
      canonicalSymbol: (raw) => resolveSymbol(raw, this.defaultExchange),
      lookupSymbol: (symbol) => this.lookupSymbol(symbol),
      wantSymbols: (symbols) => this.wantSymbols(symbols),
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

/** The leader's report as a follower reads it; undefined when absent or not a list of statuses. */
function parseReport(report: string | undefined): UpstreamStatus[] | undefined {
  if (!report) return undefined;
  try {
    const value = JSON.parse(report) as UpstreamStatus[] | null;
    return Array.isArray(value) && value.every((u) => typeof u?.connection === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One status for the cluster's upstream: the default exchange's, with the connection and
 * breaker of the first exchange that is not well (an exchange without symbols, `idle`, is well).
 */
function summarize(upstreams: readonly UpstreamStatus[]): UpstreamStatus | undefined {
  const [first] = upstreams;
  if (!first) return undefined;
  const unwell = upstreams.find((u) => u.connection !== 'open' && u.connection !== 'idle');
  const broken = upstreams.find((u) => u.breaker !== 'closed');
  return {
    ...first,
    connection: unwell?.connection ?? first.connection,
    breaker: broken?.breaker ?? first.breaker,
  };
}

/** The exchange a canonical symbol belongs to. */
function exchangeOf(symbol: string): ExchangeId | undefined {
  return fromCanonicalSymbol(symbol)?.exchange;
}
