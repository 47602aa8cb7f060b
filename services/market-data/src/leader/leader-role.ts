/**
 * The work only the leader does: one upstream per exchange, the publisher they feed, and the
 * symbol demand that tells them what to carry. Leadership changes are applied one at a time,
 * in order; the upstreams stop before the publisher, so no update is taken that cannot be
 * written, and before the lease is released, so two upstreams never overlap.
 *
 * A frame's updates go from the upstream through the asset router to the publisher here: the
 * pod that assembled this component is not on the tick's path.
 */
import { isNotLeaderError, type CandleBook, type Engine, type LeadershipState } from '@tickwire/cluster';
import type { ExchangeId } from '@tickwire/core';
import { fromCanonicalSymbol } from '@tickwire/exchanges';
import type { Logger } from '@tickwire/observability';
import type { RestClient } from '@tickwire/service';
import { configuredAssets, type Config } from '../config';
import { assetSources } from '../assets/asset-spec';
import type { ExchangeEndpoint } from '../exchange-endpoints';
import type { PodMetrics } from '../metrics';
import { Upstream, type UpstreamStatus } from '../upstream/upstream';
import type { CandleBackfill } from '../candles';
import { HistoryRetentionJob, HistoryWriter, type HistoryDatabase } from '../history';
import { AssetRouter } from './asset-router';
import { CandleWriter } from './candle-writer';
import { Publisher } from './publisher';
import { SymbolDemand } from './symbol-demand';

export interface LeaderRoleOptions {
  config: Config;
  /** The exchanges to connect to, the default one first. */
  exchanges: readonly ExchangeEndpoint[];
  engine: Pick<Engine, 'election' | 'distribution' | 'interest' | 'candles'>;
  /** This pod's candle closes (stored while leading) and the backfill (run while leading). */
  candles: { book: Pick<CandleBook, 'onClose'>; backfill: Pick<CandleBackfill, 'fill' | 'onBackfilled'> };
  /** The history database, when configured: the leader copies candles into it and applies retention. */
  history?: HistoryDatabase | undefined;
  /** The process's REST client: the REST fallback spends the same budget as the symbol catalog. */
  rest: RestClient;
  logger: Logger;
  metrics: PodMetrics;
  /** Told whenever an upstream's status changes, and after every leadership change is applied. */
  onStatus(): void;
}

/** The leader reads the interest registry at least this often to see expired symbols (ms). */
const MAX_DEMAND_POLL_MS = 5_000;
/** ... and at most this often (ms). */
const MIN_DEMAND_POLL_MS = 100;
/** Expiries are looked for this many times per grace period. */
const DEMAND_POLLS_PER_GRACE = 4;

interface LeaderWork {
  publisher: Publisher;
  candleWriter: CandleWriter;
  history: { writer: HistoryWriter; retention: HistoryRetentionJob; off: () => void } | undefined;
  upstreams: Upstream[];
  demand: SymbolDemand;
  assets: AssetRouter;
}

export class LeaderRole {
  private readonly log: Logger;
  private work: LeaderWork | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastRole: LeadershipState['role'] = 'follower';
  private closed = false;

  constructor(private readonly options: LeaderRoleOptions) {
    this.log = options.logger.child({ component: 'leader' });
  }

  /** Starts the leader's work when this pod becomes leader, stops it when it stops being one. */
  onLeadership(state: LeadershipState): void {
    const { metrics } = this.options;
    metrics.leader.set(state.role === 'leader' ? 1 : 0);
    metrics.leaderEpoch.set(state.epoch);
    if (state.role !== this.lastRole) metrics.leaderTransitions.inc({ role: state.role });
    this.lastRole = state.role;
    this.log.info({ role: state.role, leaderId: state.leaderId, epoch: state.epoch }, 'leadership changed');
    this.chain = this.chain.then(async () => {
      if (state.role === 'leader' && !this.closed) await this.startWork();
      else await this.stopWork();
      this.options.onStatus();
    });
  }

  /** This pod's own upstreams' statuses while it leads; undefined otherwise. */
  upstreamStatuses(): UpstreamStatus[] | undefined {
    return this.work?.upstreams.map((upstream) => upstream.status());
  }

  /** Stops the leader's work for good (before the lease is released); later changes start nothing. */
  async stop(): Promise<void> {
    this.closed = true;
    await this.chain;
    await this.stopWork();
  }

  /** Resolves once every leadership change received so far has been applied. */
  settled(): Promise<void> {
    return this.chain;
  }

  private async startWork(): Promise<void> {
    if (this.work) return;
    const { config, engine, metrics, logger } = this.options;
    const publisher = new Publisher({
      distribution: engine.distribution,
      batchMs: config.PUBLISH_BATCH_MS,
      logger: logger.child({ component: 'publisher' }),
      metrics,
      onRefused: (error) => {
        if (!isNotLeaderError(error)) return;
        metrics.fencedWrites.inc();
        engine.election.stepDown(error.message);
      },
    });
    await publisher.start();
    const candleWriter = new CandleWriter({
      book: this.options.candles.book,
      backfill: this.options.candles.backfill,
      history: engine.candles,
      logger: logger.child({ component: 'candle-writer' }),
      onRefused: (error) => {
        if (!isNotLeaderError(error)) return;
        metrics.fencedWrites.inc();
        engine.election.stepDown(error.message);
      },
    });
    await candleWriter.start();
    const history = await this.startHistory();
    const assetSpecs = configuredAssets(config);
    // Every source of every asset is carried, so the leader knows the health of the spares too.
    const carried = [...new Set([...config.SYMBOLS, ...assetSources(assetSpecs)])];
    const upstreams: Upstream[] = [];
    const assets = new AssetRouter({
      assets: assetSpecs,
      staleMs: config.ASSET_STALE_MS,
      switchBackMs: config.ASSET_SWITCH_BACK_MS,
      venueUp: (exchange) =>
        upstreams.find((upstream) => upstream.exchange === exchange)?.status().connection === 'open',
      servedFrom: (asset) => publisher.latestTicker(asset)?.origin,
      publisher,
      onSwitch: (asset, _from, to) => metrics.assetSwitches.inc({ asset, source: to }),
      logger: logger.child({ component: 'assets' }),
    });
    upstreams.push(...this.options.exchanges.map((endpoint) => this.upstream(endpoint, assets, carried)));
    const demand = new SymbolDemand({
      interest: engine.interest,
      configured: carried,
      dynamic: config.DYNAMIC_SYMBOLS,
      accept: (symbol) => upstreams.some((upstream) => upstream.exchange === exchangeOf(symbol)),
      debounceMs: config.SYMBOL_DEBOUNCE_MS,
      pollMs: Math.min(
        MAX_DEMAND_POLL_MS,
        Math.max(MIN_DEMAND_POLL_MS, Math.floor(config.SYMBOL_GRACE_MS / DEMAND_POLLS_PER_GRACE)),
      ),
      logger: logger.child({ component: 'symbol-demand' }),
      onChange: (symbols) => {
        this.log.info({ count: symbols.length }, 'carrying symbols');
        for (const upstream of upstreams)
          upstream.setSymbols(symbols.filter((symbol) => exchangeOf(symbol) === upstream.exchange));
      },
    });
    this.work = { publisher, candleWriter, history, upstreams, demand, assets };
    await Promise.all(upstreams.map((upstream) => upstream.start()));
    await demand.start();
    await assets.start();
    this.log.info('leading: upstream started');
  }

  private upstream(
    { adapter, wsBaseUrl, restBaseUrl }: ExchangeEndpoint,
    assets: AssetRouter,
    carried: readonly string[],
  ): Upstream {
    const { config, engine, metrics, logger } = this.options;
    return new Upstream({
      adapter,
      wsBaseUrl,
      restBaseUrl,
      rest: this.options.rest,
      restPollMs: config.REST_FALLBACK_POLL_MS,
      symbols: carried.filter((symbol) => exchangeOf(symbol) === adapter.id),
      watchdogMs: config.UPSTREAM_WATCHDOG_MS,
      backoffBaseMs: config.UPSTREAM_BACKOFF_BASE_MS,
      backoffMaxMs: config.UPSTREAM_BACKOFF_MAX_MS,
      breakerFailures: config.UPSTREAM_BREAKER_FAILURES,
      breakerResetMs: config.UPSTREAM_BREAKER_RESET_MS,
      rotateAfterMs: config.UPSTREAM_ROTATE_AFTER_MS,
      rotationOverlapMs: config.UPSTREAM_ROTATION_OVERLAP_MS,
      symbolStaleMs: config.UPSTREAM_SYMBOL_STALE_MS,
      marketStatusPollMs: config.UPSTREAM_MARKET_STATUS_MS,
      logger: logger.child({ component: 'upstream', exchange: adapter.id }),
      metrics,
      // Checked per frame on the local clock: a leader that was frozen past its deadline steps
      // down (and closes this connection) on the first frame it reads after waking.
      onUpdates: (updates) => {
        if (engine.election.confirmLeadership()) assets.publish(updates);
      },
      onStatus: () => this.options.onStatus(),
    });
  }

  private async stopWork(): Promise<void> {
    const work = this.work;
    if (!work) return;
    this.work = undefined;
    await work.assets.stop();
    await work.demand.stop();
    await Promise.all(work.upstreams.map((upstream) => upstream.stop()));
    await work.publisher.stop();
    await work.candleWriter.stop();
    work.history?.off();
    await work.history?.retention.stop();
    await work.history?.writer.stop();
    this.log.info('upstream stopped');
  }

  /** The history database's writer and retention, while leading, when a database is configured. */
  private async startHistory(): Promise<LeaderWork['history']> {
    const { history: database, config, engine, metrics, logger } = this.options;
    if (!database) return undefined;
    const writer = new HistoryWriter({
      database,
      history: engine.candles,
      election: engine.election,
      symbols: async () => [
        ...new Set([
          ...config.SYMBOLS,
          ...configuredAssets(config).flatMap((asset) => [asset.name, ...asset.sources]),
          ...(await engine.interest.wanted()),
        ]),
      ],
      flushMs: config.HISTORY_FLUSH_MS,
      batchRows: config.HISTORY_BATCH_ROWS,
      queueMaxRows: config.HISTORY_QUEUE_MAX_ROWS,
      logger: logger.child({ component: 'history-writer' }),
      metrics: metrics.history,
    });
    const off = this.options.candles.backfill.onBackfilled((candles) => writer.enqueue(candles));
    const retention = new HistoryRetentionJob({
      database,
      retention: config.HISTORY_RETENTION,
      checkMs: config.HISTORY_RETENTION_CHECK_MS,
      logger: logger.child({ component: 'history-retention' }),
      metrics: metrics.history,
    });
    await writer.start();
    await retention.start();
    return { writer, retention, off };
  }
}

/** The exchange a canonical symbol belongs to. */
function exchangeOf(symbol: string): ExchangeId | undefined {
  return fromCanonicalSymbol(symbol)?.exchange;
}
