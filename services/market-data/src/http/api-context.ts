/**
 * What the HTTP layer reads from the pod's components, as narrow interfaces: each route takes
 * only the part it uses (`Pick<ApiContext, ...>`), so no route reaches into the pod.
 */
import type { Registry } from 'prom-client';
import type { Ticker } from '@tickwire/core';
import type { Distribution } from '@tickwire/cluster';
import type { HealthReport, Logger } from '@tickwire/observability';
import type { CandlePages, CandleReader } from '../candles';
import type { MarketSource } from '../markets';
import type { Hub } from '../hub/hub';
import type { PodMetrics } from '../metrics';
import type { StreamAccess } from '../stream-access';
import type { PodStatus, StreamStatus } from '../status';
import type { SymbolLookup } from '../symbols';

export interface ApiLimits {
  maxSymbolsPerRequest: number;
  maxSseClients: number;
  sseRetryMs: number;
  candleHistory: number;
}

/** Which symbols a request may name; naming one tells the cluster that clients want it. */
export interface SymbolGate {
  /** The configured symbols, in configured order (what a request without `symbols=` gets). */
  readonly configured: readonly string[];
  /** A symbol as a client wrote it, made canonical (`coinbase:btc-usd` -> `COINBASE:BTC-USD`). */
  canonical(raw: string): string | undefined;
  /** Whether the cluster can serve a canonical symbol (`unavailable`: the exchange's list is not loaded). */
  lookup(symbol: string): SymbolLookup;
  /** Clients want these (known) symbols: the cluster subscribes them if it does not already. */
  want(symbols: Iterable<string>): void;
}

/** What `GET /v1/markets` lists. */
export interface MarketsView {
  /** Where the markets come from: the served venue symbols (and, later, other kinds of market). */
  sources: readonly MarketSource[];
  /** The venues this cluster serves (`EXCHANGES`): what `venue=` may name. */
  venues: readonly string[];
}

/** What the pod says about itself (the status board). */
export interface PodView {
  status(): PodStatus;
  /** The status streams were last told, brought up to date first (so a new stream agrees with the rest). */
  streamStatus(): StreamStatus;
  health(): HealthReport;
  /** False until the pod has started and again once it is shutting down. */
  isReady(): boolean;
  isShuttingDown(): boolean;
  /**
   * Whether a ticker is served flagged stale: too old, or this pod is cut off from the
   * distribution (Redis away) and cannot know whether a newer price exists.
   */
  isStale(ticker: Ticker): boolean;
}

export interface ApiContext {
  limits: ApiLimits;
  hub: Hub;
  distribution: Pick<Distribution, 'replaySince'>;
  registry: Registry;
  metrics: PodMetrics;
  logger: Logger;
  /** Browser origins allowed to read the API (CORS_ORIGINS; `*` for any). */
  corsOrigins: readonly string[];
  symbols: SymbolGate;
  markets: MarketsView;
  pod: PodView;
  /** The cluster's candle history and this pod's open candles. */
  candles: Pick<CandleReader, 'read' | 'want'>;
  /** Ranges of closed candles from the history database; undefined without HISTORY_DATABASE_URL. */
  candlePages: Pick<CandlePages, 'page'> | undefined;
  /** Stream tokens (STREAM_TOKEN_SECRET); undefined: streams are open to anyone. */
  streamAccess: Pick<StreamAccess, 'claims' | 'admit' | 'hold'> | undefined;
}
