/**
 * A scanner replica, assembled: the election (under the scanner's namespace) with the Redis
 * connection the stores share, the catalog, signal log and delivery queues, the view of the
 * market-data cluster (candles, ticks, symbol interest), the active replica's work (evaluation,
 * scans, delivery, interest; started and stopped by the election), the heartbeat watch for
 * `/health`, the live signal stream and the HTTP API. Every replica serves the API, streams
 * signals and follows the market data (warm for a failover); only the active one evaluates and
 * delivers. Stops in reverse order, the
 * active work before the lease is released, so two replicas never scan at once.
 */
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { DEFAULT_COMMAND_TIMEOUT_MS, ScannerHeartbeatWatch, type RedisLeadership } from '@tickwire/cluster';
import type { Logger } from '@tickwire/observability';
import { createServiceServer, HttpService, redisConnectionFrom, type Readiness } from '@tickwire/service';
import type { Config } from './config';
import {
  createDeliveryMetrics,
  DeliveryQueue,
  DeliveryWorker,
  deliveryKeys,
  DiscordWebhookSender,
  DISCORD_WEBHOOK_HOSTS,
} from './delivery';
import { Evaluator } from './evaluation/evaluator';
import { InterestKeeper } from './evaluation/interest-keeper';
import type { MarketData } from './evaluation/market-data';
import { SeriesBook } from './evaluation/series-book';
import { SignalEmitter } from './evaluation/signal-emitter';
import { StrategyIndex } from './evaluation/strategy-index';
import { Heartbeat } from './heartbeat/heartbeat';
import { createApp } from './http/app';
import { createScannerMetrics, type ScannerMetrics } from './metrics';
import { ScanLoop, ScannerRole, type Scan } from './role';
import { ActiveWork } from './role/active-work';
import { SignalStream } from './signal-stream';
import { SignalLog } from './signals/signal-log';
import { scannerHealth } from './status';
import { CatalogStore, ScannerScripts, scannerKeys } from './store';

export interface ScannerDependencies {
  config: Config;
  logger: Logger;
  registry: Registry;
  /** From `RedisLeadership.create`; the scanner owns it from here and closes it on stop. */
  leadership: RedisLeadership;
  /** From `MarketData.open`; the scanner owns it from here and closes it on stop. */
  market: MarketData;
  /** Replaces the evaluator's scan (tests of the scan loop and heartbeat); closes are evaluated all the same. */
  scan?: Scan;
}

/** How often a replica reads the heartbeat for `/health`, at most (ms). */
const MAX_HEARTBEAT_POLL_MS = 5_000;

export class Scanner extends HttpService {
  readonly catalog: CatalogStore;
  readonly signals: SignalLog;
  readonly heartbeat: Heartbeat;
  readonly deliveryQueue: DeliveryQueue;
  private readonly strategies: StrategyIndex;
  readonly signalStream: SignalStream;
  private readonly metrics: ScannerMetrics;
  private readonly role: ScannerRole;
  private readonly heartbeatWatch: ScannerHeartbeatWatch;
  protected readonly server: Server;
  private phase: Readiness = 'starting';
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: ScannerDependencies) {
    super(deps.logger.child({ component: 'scanner' }), deps.config.SHUTDOWN_GRACE_MS);
    const { config, logger, leadership } = deps;
    const keys = scannerKeys(config.SCANNER_NAMESPACE);
    const scripts = new ScannerScripts(leadership.commands, keys);
    this.catalog = new CatalogStore({
      client: leadership.commands,
      keys,
      scripts,
      delivery: deliveryKeys(config.SCANNER_NAMESPACE),
      webhookHosts: config.WEBHOOK_HOST_ALLOWLIST,
    });
    this.signals = new SignalLog({
      client: leadership.commands,
      keys,
      scripts,
      fence: () => leadership.election.fence(),
    });
    this.heartbeat = new Heartbeat(leadership, {
      instanceId: config.INSTANCE_ID,
      scanIntervalMs: config.SCAN_INTERVAL_MS,
    });
    this.heartbeatWatch = new ScannerHeartbeatWatch({
      client: leadership.commands,
      namespace: config.SCANNER_NAMESPACE,
      pollMs: Math.min(MAX_HEARTBEAT_POLL_MS, config.SCAN_INTERVAL_MS),
    });
    this.metrics = createScannerMetrics(deps.registry, {
      scanIntervalMs: config.SCAN_INTERVAL_MS,
      heartbeat: () => this.heartbeatWatch.last(),
    });
    this.deliveryQueue = new DeliveryQueue(leadership.commands, deliveryKeys(config.SCANNER_NAMESPACE));
    const deliveryMetrics = createDeliveryMetrics(deps.registry, () => this.deliveryQueue.depth());
    const sender = new DiscordWebhookSender({ timeoutMs: config.DELIVERY_TIMEOUT_MS });
    this.strategies = new StrategyIndex(this.catalog);
    const onFenced = (reason: string) => leadership.election.stepDown(reason);
    this.signalStream = new SignalStream({
      // config.ts refuses a configuration without Redis.
      connection: redisConnectionFrom(config)!,
      instanceId: config.INSTANCE_ID,
      commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
      keys,
      signals: this.signals,
      maxClients: config.SSE_MAX_CLIENTS,
      heartbeatMs: config.SSE_HEARTBEAT_MS,
      logger: logger.child({ component: 'signal-stream' }),
      metrics: this.metrics,
    });
    this.role = new ScannerRole({
      logger,
      metrics: this.metrics,
      onActive: () =>
        new ActiveWork({
          lastScanAt: async () => {
            const last = await this.heartbeat.read();
            return last ? Date.parse(last.lastScanAt) : undefined;
          },
          scanIntervalMs: config.SCAN_INTERVAL_MS,
          logger: logger.child({ component: 'active' }),
          build: (evaluateFrom) => {
            const worker = new DeliveryWorker({
              queue: this.deliveryQueue,
              sender,
              directory: {
                webhookUrl: async (id) => (await this.catalog.destinationsByIds([id]))[0]?.url,
              },
              consumer: config.INSTANCE_ID,
              logger,
              metrics: deliveryMetrics,
              allowedWebhookHosts: [...DISCORD_WEBHOOK_HOSTS, ...config.WEBHOOK_HOST_ALLOWLIST],
              maxDestinationsInFlight: config.DELIVERY_CONCURRENCY,
              maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
              claimIdleMs: config.DELIVERY_CLAIM_IDLE_MS,
              isActive: () => leadership.election.fence() !== undefined,
              ...(config.DELIVERY_USERNAME ? { username: config.DELIVERY_USERNAME } : {}),
            });
            const evaluator = new Evaluator({
              index: this.strategies,
              book: new SeriesBook({ candles: deps.market.candles }),
              evaluateFrom,
              source: deps.market,
              emitter: new SignalEmitter({
                signals: this.signals,
                queue: this.deliveryQueue,
                onQueued: () => worker.wake(),
                metrics: this.metrics,
                logger: logger.child({ component: 'signals' }),
              }),
              concurrency: config.SCAN_CONCURRENCY,
              onFenced,
              metrics: this.metrics,
              logger: logger.child({ component: 'evaluator' }),
            });
            return {
              evaluator,
              worker,
              keeper: new InterestKeeper({
                interest: deps.market.interest,
                symbols: async () => [
                  ...new Set([...(await this.strategies.current()).values()].map((s) => s.symbol)),
                ],
                logger: logger.child({ component: 'interest' }),
              }),
              loop: new ScanLoop({
                scan: deps.scan ?? (() => evaluator.scan()),
                intervalMs: config.SCAN_INTERVAL_MS,
                heartbeat: this.heartbeat,
                onFenced,
                logger: logger.child({ component: 'scan-loop' }),
                metrics: this.metrics,
              }),
            };
          },
        }),
    });
    this.server = createServiceServer(
      createApp({
        catalog: this.catalog,
        delivery: this.deliveryQueue,
        signals: this.signals,
        signalStream: this.signalStream,
        defaultExchange: config.DEFAULT_EXCHANGE,
        registry: deps.registry,
        logger: logger.child({ component: 'http' }),
        corsOrigins: config.CORS_ORIGINS,
        health: () => this.health(),
        readiness: () => this.phase,
      }),
    );
  }

  /** Serves HTTP and takes part in the election; undone by `stop()` if a step fails. */
  protected async startUp(): Promise<void> {
    const { election } = this.deps.leadership;
    await this.heartbeatWatch.start();
    await this.deps.market.start();
    await this.signalStream.start();
    await this.listen({ port: this.deps.config.PORT, host: this.deps.config.HOST });
    this.unsubscribe = election.onChange((state) => this.role.onLeadership(state));
    await election.start();
    this.phase = 'ready';
    this.log.info(
      { port: this.port(), namespace: this.deps.config.SCANNER_NAMESPACE, role: election.state().role },
      'scanner started',
    );
  }

  health() {
    const { election } = this.deps.leadership;
    return scannerHealth({
      election: election.state(),
      lease: election.lease(),
      heartbeat: this.heartbeatWatch.last(),
      now: Date.now(),
    });
  }

  /** Stops scanning, releases the lease, ends the streams and HTTP, then the market view and Redis. */
  protected async shutDown(): Promise<void> {
    this.phase = 'shutting-down';
    await this.role.stop();
    await this.deps.leadership.election.stop();
    this.unsubscribe?.();
    await this.closeHttp(() => this.signalStream.stop());
    await this.heartbeatWatch.stop();
    await this.deps.market.stop();
    await this.deps.leadership.close();
    this.log.info('scanner stopped');
  }
}
