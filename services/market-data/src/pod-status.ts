/** The pod's self-description for `/v1/status`, SSE `status` events and `/health`. */
import type { EngineKind, Role } from '@tickwire/cluster';
import type { ServingState } from './serving-state';
import type { UpstreamStatus } from './upstream/upstream';

/** The part of the status every SSE client receives when it changes. */
export interface StreamStatus {
  state: ServingState;
  leaderId: string | null;
  epoch: number;
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
  /** This pod's upstream when it is the leader, null otherwise. */
  upstream: UpstreamStatus | null;
  symbols: readonly string[];
  sseClients: number;
  lastBatchId: string | null;
  lastBatchAgeMs: number | null;
  stream: StreamStatus;
}
