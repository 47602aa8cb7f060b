/**
 * A market-data pod, assembled: the engine (election + distribution), the hub that the
 * distribution feeds, the symbols clients may ask for, the leader's work (started and stopped
 * by the election), the status board, and the HTTP server. Components talk to each other
 * through narrow interfaces; this file only builds them, starts them in dependency order and
 * stops them in reverse, leadership (and with it the upstream) first.
 */
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { CandleBook, type Engine, type RedisClient, type ScannerHeartbeatWatch } from '@tickwire/cluster';
import type { Logger } from '@tickwire/observability';
import { createServiceServer, HttpService, RestClient } from '@tickwire/service';
import { CandleBackfill, CandlePages, CandleReader } from './candles';
import { HistoryDatabase } from './history';
import { configuredAssets, type Config } from './config';
import type { ExchangeEndpoint } from './exchange-endpoints';
import { feedHub } from './hub/distribution-feed';
import { Hub } from './hub/hub';
import type { ApiContext } from './http/api-context';
import { createApp } from './http/app';
import { LeaderRole } from './leader';
import { ServedAssets, ServedSymbols } from './markets';
import { createPodMetrics, type PodMetrics } from './metrics';
import { encodeLeaderReport, StatusBoard } from './status';
import { SymbolCatalog } from './symbols';
import { LocalInterest } from './symbols/local-interest';
import { SymbolAccess } from './symbols/symbol-access';
import { StreamAccess } from './stream-access';

export interface PodDependencies {
  config: Config;
  logger: Logger;
  registry: Registry;
  /** The exchanges to connect to, the default one (for bare symbols) first. */
  exchanges: readonly ExchangeEndpoint[];
  /** From `createEngine`; the pod owns it from here and closes it on stop. */
  engine: Engine;
  /** From `createScannerHeartbeatWatch` when a scanner is configured; the pod starts and stops it. */
  scannerHeartbeat?: ScannerHeartbeatWatch | undefined;
  /** From `openStreamAccessClients` when STREAM_TOKEN_SECRET is set; the pod closes them on stop. */
  streamAccessClients?: { commands: RedisClient; subscriber: RedisClient } | undefined;
}

/** A pod starts serving after this long even when an exchange's symbol list has not loaded (ms). */
const CATALOG_START_TIMEOUT_MS = 3_000;
/**
 * Pending connections the kernel queues before the pod accepts them (capped by
 * net.core.somaxconn). Node's default, 511, overflowed when thousands of SSE clients reconnected
 * at once while the pod was busy (bench/RESULTS.md, connect storm): clients then wait for SYN
 * retries, seconds each.
 */
const LISTEN_BACKLOG = 4_096;
/** SSE streams live for hours; only the request head has to arrive in time (ms). */
const REQUEST_HEAD_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;

export class Pod extends HttpService {
  private readonly config: Config;
  private readonly metrics: PodMetrics;
  private readonly engine: Engine;
  private readonly hub: Hub;
  private readonly candleBook: CandleBook;
  private readonly candleReader: CandleReader;
  /** The history database (HISTORY_DATABASE_URL), and the reads of ranges from it. */
  private readonly history: HistoryDatabase | undefined;
  private readonly candlePages: CandlePages | undefined;
  /** One per process: the REST fallback and the symbol catalog spend the same budget per exchange. */
  private readonly rest: RestClient;
  private readonly catalog: SymbolCatalog | undefined;
  private readonly interest: LocalInterest;
  private readonly symbols: SymbolAccess;
  private readonly leader: LeaderRole;
  private readonly board: StatusBoard;
  private readonly streamAccess: StreamAccess | undefined;
  protected readonly server: Server;
  private unsubscribers: (() => void)[] = [];

  constructor(private readonly deps: PodDependencies) {
    super(deps.logger.child({ component: 'pod' }), deps.config.SHUTDOWN_GRACE_MS);
    const { config, logger, engine } = deps;
    this.config = config;
    this.metrics = createPodMetrics(deps.registry);
    this.metrics.sseMaxClients.set(config.SSE_MAX_CLIENTS);
    this.engine = engine;
    const defaultExchange = deps.exchanges[0]?.adapter.id ?? 'binance';
    this.rest = new RestClient({
      venues: deps.exchanges.map(({ restVenue }) => restVenue),
      logger,
      metrics: this.metrics.rest,
    });
    this.catalog = config.DYNAMIC_SYMBOLS
      ? new SymbolCatalog({
          adapters: deps.exchanges.map(({ adapter, restBaseUrl }) => ({ adapter, restBaseUrl })),
          alwaysKnown: config.SYMBOLS,
          rest: this.rest,
          logger: logger.child({ component: 'symbol-catalog' }),
          refreshMs: config.SYMBOL_CATALOG_REFRESH_MS,
          startTimeoutMs: CATALOG_START_TIMEOUT_MS,
        })
      : undefined;
    this.hub = new Hub({
      heartbeatMs: config.SSE_HEARTBEAT_MS,
      maxClientBufferBytes: config.SSE_MAX_CLIENT_BUFFER_BYTES,
      stuckClientMs: config.SSE_STUCK_CLIENT_MS,
      endGraceMs: config.SSE_END_GRACE_MS,
      flushIntervalMs: config.SSE_FLUSH_INTERVAL_MS,
      logger: logger.child({ component: 'hub' }),
      metrics: this.metrics,
    });
    this.interest = new LocalInterest({
      interest: engine.interest,
      graceMs: config.SYMBOL_GRACE_MS,
      current: () => this.hub.subscribedSymbols(),
      logger: logger.child({ component: 'symbol-interest' }),
    });
    const assetNames = configuredAssets(config).map((asset) => asset.name);
    this.symbols = new SymbolAccess({
      configured: config.SYMBOLS,
      assets: assetNames,
      defaultExchange,
      catalog: this.catalog,
      interest: this.interest,
    });
    this.candleBook = new CandleBook();
    const candleBackfill = new CandleBackfill({
      history: engine.candles,
      rest: this.rest,
      exchanges: deps.exchanges,
      logger: logger.child({ component: 'candle-backfill' }),
    });
    this.candleReader = new CandleReader({
      history: engine.candles,
      book: this.candleBook,
      backfill: candleBackfill,
    });
    this.history = config.HISTORY_DATABASE_URL
      ? new HistoryDatabase({
          url: config.HISTORY_DATABASE_URL,
          logger: logger.child({ component: 'history-database' }),
        })
      : undefined;
    this.candlePages = this.history
      ? new CandlePages({ database: this.history, history: engine.candles })
      : undefined;
    this.leader = new LeaderRole({
      config,
      exchanges: deps.exchanges,
      engine,
      candles: { book: this.candleBook, backfill: candleBackfill },
      history: this.history,
      rest: this.rest,
      logger,
      metrics: this.metrics,
      onStatus: () => this.board.check(),
    });
    this.board = new StatusBoard({
      engine,
      hub: this.hub,
      symbols: config.SYMBOLS,
      assets: assetNames,
      defaultExchange,
      staleAfterMs: config.STALE_AFTER_MS,
      ownUpstreams: () => this.leader.upstreamStatuses(),
      catalog: () => this.catalog?.state() ?? null,
      planLimits: deps.exchanges.flatMap(({ adapter }) =>
        (adapter.planLimits ?? []).map((limit) => ({ exchange: adapter.id, ...limit })),
      ),
      ...(deps.scannerHeartbeat ? { scannerHeartbeat: () => deps.scannerHeartbeat!.last() } : {}),
      ...(this.history ? { history: () => this.history!.state() } : {}),
    });
    this.streamAccess =
      config.STREAM_TOKEN_SECRET !== undefined && deps.streamAccessClients !== undefined
        ? new StreamAccess({
            secret: config.STREAM_TOKEN_SECRET,
            ...deps.streamAccessClients,
            namespace: config.GATEWAY_NAMESPACE,
            logger: logger.child({ component: 'stream-access' }),
            metrics: this.metrics,
          })
        : undefined;
    this.server = createServiceServer(createApp(this.apiContext()));
    this.server.requestTimeout = REQUEST_TIMEOUT_MS;
    this.server.headersTimeout = REQUEST_HEAD_TIMEOUT_MS;
  }

  /** Follows the cluster, serves HTTP, then takes part in the election; undone by `stop()` if a step fails. */
  protected async startUp(): Promise<void> {
    const { distribution, election, interest, candles } = this.engine;
    this.unsubscribers.push(feedHub(distribution, this.hub, this.metrics));
    this.unsubscribers.push(distribution.onBatch((batch) => this.candleBook.applyBatch(batch)));
    await distribution.start();
    this.hub.load(await distribution.snapshot());
    await this.hub.start();
    await candles.start();
    this.unsubscribers.push(candles.onClose((candle) => this.hub.broadcastCandle(candle)));
    await this.candleBook.start();
    await interest.start();
    await this.catalog?.start();
    await this.interest.start();
    // Never waits for an unreachable database: prices are served without it.
    await this.history?.start();
    await this.streamAccess?.start();
    await this.listen({ port: this.config.PORT, host: this.config.HOST, backlog: LISTEN_BACKLOG });
    this.unsubscribers.push(election.onChange((state) => this.leader.onLeadership(state)));
    election.setReporter(() => {
      const own = this.leader.upstreamStatuses();
      return own ? encodeLeaderReport(own) : '';
    });
    await election.start();
    await this.deps.scannerHeartbeat?.start();
    await this.board.start();
    this.log.info(
      { port: this.port(), engine: this.engine.kind, symbols: this.config.SYMBOLS },
      'pod started',
    );
  }

  /** Releases leadership first, ends streams and HTTP, then the cluster's parts. */
  protected async shutDown(): Promise<void> {
    await this.board.stop();
    // The upstream closes before the lease is released, so two never overlap; the release
    // then tells a follower to take over at once.
    await this.leader.stop();
    await this.engine.election.stop();
    await this.leader.settled();
    await this.closeHttp(() => this.hub.stop());
    await this.streamAccess?.stop();
    await this.interest.stop();
    await this.catalog?.stop();
    await this.engine.interest.stop();
    await this.candleBook.stop();
    await this.engine.candles.stop();
    await this.history?.stop();
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    await this.engine.distribution.stop();
    await this.deps.scannerHeartbeat?.stop();
    await this.engine.close();
    this.log.info('pod stopped');
  }

  private apiContext(): ApiContext {
    const { config } = this;
    return {
      limits: {
        maxSymbolsPerRequest: config.MAX_SYMBOLS_PER_REQUEST,
        maxSseClients: config.SSE_MAX_CLIENTS,
        sseRetryMs: config.SSE_RETRY_MS,
        candleHistory: config.CANDLE_HISTORY,
      },
      hub: this.hub,
      distribution: this.engine.distribution,
      registry: this.deps.registry,
      metrics: this.metrics,
      logger: this.deps.logger.child({ component: 'http' }),
      corsOrigins: config.CORS_ORIGINS,
      symbols: this.symbols,
      markets: {
        sources: [
          new ServedSymbols({
            configured: config.SYMBOLS,
            published: () => this.hub.tickers().map((ticker) => ticker.symbol),
            name: (symbol) => this.catalog?.name(symbol),
          }),
          new ServedAssets({ assets: configuredAssets(config), ticker: (name) => this.hub.ticker(name) }),
        ],
        venues: this.deps.exchanges.map(({ adapter }) => adapter.id),
      },
      pod: this.board,
      candles: this.candleReader,
      candlePages: this.candlePages,
      streamAccess: this.streamAccess,
    };
  }
}
