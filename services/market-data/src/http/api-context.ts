/** What the HTTP layer needs from the pod; the pod builds it, routes only read it. */
import type { Registry } from 'prom-client';
import type { Ticker } from '@tickwire/core';
import type { Distribution } from '@tickwire/cluster';
import type { HealthReport, Logger } from '@tickwire/observability';
import type { Hub } from '../hub/hub';
import type { PodMetrics } from '../metrics';
import type { PodStatus, StreamStatus } from '../status';
import type { SymbolLookup } from '../symbols';

export interface ApiLimits {
  maxSymbolsPerRequest: number;
  maxSseClients: number;
  sseRetryMs: number;
  candleHistory: number;
}

export interface ApiContext {
  limits: ApiLimits;
  hub: Hub;
  distribution: Distribution;
  registry: Registry;
  metrics: PodMetrics;
  logger: Logger;
  /** Browser origins allowed to read the API (CORS_ORIGINS; `*` for any). */
  corsOrigins: readonly string[];
  /** The configured symbols, in configured order (what a request without `symbols=` gets). */
  symbols: readonly string[];
  /** A symbol as a client wrote it, made canonical (`coinbase:btc-usd` -> `COINBASE:BTC-USD`). */
  canonicalSymbol(raw: string): string | undefined;
  /** Whether the cluster can serve a canonical symbol (`unavailable`: the exchange's list is not loaded). */
  lookupSymbol(symbol: string): SymbolLookup;
  /** Clients want these (known) symbols: the cluster subscribes them if it does not already. */
  wantSymbols(symbols: Iterable<string>): void;
  /**
   * Whether a ticker is served flagged stale: too old, or this pod is cut off from the
   * distribution (Redis away) and cannot know whether a newer price exists.
   */
  isStale(ticker: Ticker): boolean;
  status(): PodStatus;
  /** The status streams were last told, brought up to date first (so a new stream agrees with the rest). */
  streamStatus(): StreamStatus;
  health(): HealthReport;
  /** False until the pod has started and again once it is shutting down. */
  isReady(): boolean;
  isShuttingDown(): boolean;
  now(): number;
}
