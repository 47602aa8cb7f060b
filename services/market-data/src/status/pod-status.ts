/** The pod's self-description for `/v1/status`, SSE `status` events and `/health`. */
import type { DistributionConnection, EngineKind, LeaseInfo, Role } from '@tickwire/cluster';
import type { PlanLimit } from '@tickwire/exchanges';
import type { ServingState } from './serving-state';
import type { SymbolCatalogState } from '../symbols';
import type { UpstreamStatus } from '../upstream/upstream';

/** The part of the status every SSE client receives when it changes. */
export interface StreamStatus {
  state: ServingState;
  leaderId: string | null;
  epoch: number;
  /** The cluster's exchange connection and its connect breaker, when known. */
  upstream: Pick<UpstreamStatus, 'connection' | 'breaker'> | null;
  /** With ASSETS set: per asset, the source symbol it is served from now (null before its first tick). */
  assets?: Record<string, string | null>;
}

export interface PodStatus {
  instanceId: string;
  role: Role;
  leaderId: string | null;
  epoch: number;
  engine: EngineKind;
  state: ServingState;
  startedAt: string;
  uptimeSeconds: number;
  /** Election timings and the age of this pod's last renew. */
  lease: LeaseInfo;
  /** Whether this pod follows the distribution (Redis) right now. */
  distribution: DistributionConnection;
  /** The cluster's upstream: this pod's own when it leads, else the leader's last report. */
  upstream: UpstreamStatus | null;
  /** Every exchange's upstream, the default exchange first (the same source as `upstream`). */
  upstreams: UpstreamStatus[];
  /** True when the upstream connection described is held by this pod. */
  upstreamHeldHere: boolean;
  /** The configured symbols (always carried). */
  symbols: readonly string[];
  /** The exchanges' symbol lists that clients' symbols are checked against; null without DYNAMIC_SYMBOLS. */
  symbolCatalog: SymbolCatalogState | null;
  /** What the exchanges keep to some plans, and what the relay does without it (Finnhub's free plan). */
  planLimits: (PlanLimit & { exchange: string })[];
  sseClients: number;
  lastBatchId: string | null;
  lastBatchAgeMs: number | null;
  stream: StreamStatus;
}
