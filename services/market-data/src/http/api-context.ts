/** What the HTTP layer needs from the pod; the pod builds it, routes only read it. */
import type { Registry } from 'prom-client';
import type { Distribution } from '@tickwire/cluster';
import type { HealthReport, Logger } from '@tickwire/observability';
import type { Hub } from '../hub/hub';
import type { PodMetrics } from '../metrics';
import type { PodStatus } from '../pod-status';

export interface ApiLimits {
  maxSymbolsPerRequest: number;
  maxSseClients: number;
  sseRetryMs: number;
  staleAfterMs: number;
  candleHistory: number;
}

export interface ApiContext {
  limits: ApiLimits;
  hub: Hub;
  distribution: Distribution;
  registry: Registry;
  metrics: PodMetrics;
  logger: Logger;
  /** Symbols this pod serves, in configured order. */
  symbols: readonly string[];
  isKnownSymbol(symbol: string): boolean;
  status(): PodStatus;
  health(): HealthReport;
  /** False until the pod has started and again once it is shutting down. */
  isReady(): boolean;
  isShuttingDown(): boolean;
  now(): number;
}
