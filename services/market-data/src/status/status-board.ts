/**
 * What this pod says about itself: `/v1/status`, the `status` event every SSE client gets when
 * it changes, `/health`, readiness, and whether a price is served flagged stale. The cluster's
 * upstream is this pod's own while it leads, else the leader's report read from the election.
 */
import type { Engine, HeartbeatReading } from '@tickwire/cluster';
import type { ExchangeId, Lifecycle, Ticker } from '@tickwire/core';
import type { HealthReport } from '@tickwire/observability';
import { fromCanonicalSymbol } from '@tickwire/exchanges';
import type { HistoryDatabaseState } from '../history';
import type { SymbolCatalogState } from '../symbols';
import type { UpstreamStatus } from '../upstream/upstream';
import { parseLeaderReport, type UpstreamReport } from './leader-report';
import { podHealth } from './pod-health';
import type { PodStatus, StreamStatus } from './pod-status';
import { isTickerStale, servingState } from './serving-state';

/** What the board reads from the hub. */
export interface HubView {
  lastBatchInfo(): { id: string; appliedAt: number } | undefined;
  clientCount(): number;
  ticker(symbol: string): Ticker | undefined;
  /** Sends one status event to every stream. */
  broadcastStatus(status: StreamStatus): void;
}

export interface StatusBoardOptions {
  engine: Pick<Engine, 'kind' | 'election' | 'distribution'>;
  hub: HubView;
  /** The configured symbols (always carried; `/health` checks their freshness). */
  symbols: readonly string[];
  /** The configured assets' names: the stream status says which source each is served from. */
  assets?: readonly string[];
  defaultExchange: ExchangeId;
  /** A price older than this is served flagged stale (ms). */
  staleAfterMs: number;
  /** This pod's own upstreams while it leads. */
  ownUpstreams(): UpstreamStatus[] | undefined;
  catalog(): SymbolCatalogState | null;
  /** What the exchanges keep to some plans (from their adapters). */
  planLimits: PodStatus['planLimits'];
  /** The scanner's heartbeat as last read, when a scanner is configured (SCANNER_NAMESPACE). */
  scannerHeartbeat?: () => HeartbeatReading;
  /** The history database's state, when HISTORY_DATABASE_URL is set. */
  history?: () => HistoryDatabaseState;
  now?: () => number;
}

/** How often the serving state is re-evaluated, so streams learn of changes no event announces (ms). */
const STATUS_CHECK_INTERVAL_MS = 1_000;

type Phase = 'starting' | 'ready' | 'stopping';

export class StatusBoard implements Lifecycle {
  private readonly startedAt = new Date();
  private readonly now: () => number;
  private phase: Phase = 'starting';
  private lastStreamStatus = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: StatusBoardOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Starts watching the status; the pod is ready from here on. */
  async start(): Promise<void> {
    this.timer ??= setInterval(() => this.check(), STATUS_CHECK_INTERVAL_MS);
    this.phase = 'ready';
  }

  /** Not ready any more, and streams are told nothing new: they are about to be closed. */
  async stop(): Promise<void> {
    this.phase = 'stopping';
    clearInterval(this.timer);
    this.timer = undefined;
  }

  isReady(): boolean {
    return this.phase === 'ready';
  }

  isShuttingDown(): boolean {
    return this.phase === 'stopping';
  }

  /** Tells every stream when the status changed; returns it, so a new stream starts from the same. */
  check(): StreamStatus {
    const stream = this.status().stream;
    if (this.phase === 'stopping') return stream;
    const key = JSON.stringify(stream);
    if (key === this.lastStreamStatus) return stream;
    this.lastStreamStatus = key;
    this.options.hub.broadcastStatus(stream);
    return stream;
  }

  /** The stream status, brought up to date first (so a new stream agrees with the rest). */
  streamStatus(): StreamStatus {
    return this.check();
  }

  /**
   * Whether a ticker is served flagged stale: too old, or this pod is cut off from the
   * distribution (Redis away) and cannot know whether a newer price exists.
   */
  isStale(ticker: Ticker): boolean {
    return (
      !this.options.engine.distribution.connection().connected ||
      isTickerStale(ticker.receiveTime, this.now(), this.options.staleAfterMs)
    );
  }

  /**
   * Per asset, the source of its latest ticker in this pod's table (null before the first):
   * read from the ticks, so every pod reports a switch once the first tick of the new source
   * reached it, and a stream learns of it by a `status` event.
   */
  private assetSources(): Record<string, string | null> {
    const sources: Record<string, string | null> = {};
    for (const asset of this.options.assets ?? [])
      sources[asset] = this.options.hub.ticker(asset)?.origin ?? null;
    return sources;
  }

  status(): PodStatus {
    const { engine, hub } = this.options;
    const now = this.now();
    const leadership = engine.election.state();
    const own = this.options.ownUpstreams();
    const upstreams: UpstreamReport[] | undefined =
      own ?? (leadership.role === 'follower' ? parseLeaderReport(leadership.leaderReport) : undefined);
    const upstream = upstreams && summarize(upstreams);
    const lastBatch = hub.lastBatchInfo();
    const distribution = engine.distribution.connection();
    const state = servingState({
      now,
      staleAfterMs: this.options.staleAfterMs,
      lastBatchAt: lastBatch?.appliedAt,
      distributionConnected: distribution.connected,
      upstreamConnection: upstream?.connection,
      marketsClosed:
        upstreams !== undefined &&
        upstreams.length > 0 &&
        upstreams.every((u) => u.market?.trading === false),
    });
    const stream: StreamStatus = {
      state,
      leaderId: leadership.leaderId ?? null,
      epoch: leadership.epoch,
      upstream: upstream ? { connection: upstream.connection, breaker: upstream.breaker } : null,
      ...(this.options.assets?.length ? { assets: this.assetSources() } : {}),
    };
    return {
      instanceId: leadership.instanceId,
      role: leadership.role,
      leaderId: leadership.leaderId ?? null,
      epoch: leadership.epoch,
      engine: engine.kind,
      state,
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((now - this.startedAt.getTime()) / 1000),
      lease: engine.election.lease(),
      distribution,
      upstream: upstream ?? null,
      upstreams: upstreams ?? [],
      upstreamHeldHere: own !== undefined,
      symbols: this.options.symbols,
      symbolCatalog: this.options.catalog(),
      planLimits: this.options.planLimits,
      sseClients: hub.clientCount(),
      lastBatchId: lastBatch?.id ?? null,
      lastBatchAgeMs: lastBatch ? now - lastBatch.appliedAt : null,
      stream,
    };
  }

  health(): HealthReport {
    const now = this.now();
    const { symbols, staleAfterMs, hub } = this.options;
    const status = this.status();
    // A closed market has no new prices: its symbols' silence is not a broken feed.
    const closed = new Set(
      status.upstreams.filter((u) => u.market?.trading === false).map((u) => u.exchange),
    );
    const staleSymbols = symbols.filter((symbol) => {
      const exchange = fromCanonicalSymbol(symbol)?.exchange;
      if (exchange !== undefined && closed.has(exchange)) return false;
      const ticker = hub.ticker(symbol);
      return !ticker || isTickerStale(ticker.receiveTime, now, staleAfterMs);
    });
    return podHealth({
      status,
      defaultExchange: this.options.defaultExchange,
      symbolCount: symbols.length,
      staleSymbols,
      staleAfterMs,
      scannerHeartbeat: this.options.scannerHeartbeat?.(),
      history: this.options.history?.(),
      now,
      time: new Date(now).toISOString(),
    });
  }
}

/**
 * One status for the cluster's upstream: the default exchange's, with the connection and
 * breaker of the first exchange that is not well (an exchange without symbols, `idle`, is well).
 */
function summarize(upstreams: readonly UpstreamReport[]): UpstreamReport | undefined {
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
