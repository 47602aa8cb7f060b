/**
 * The election settings of every service that elects one active instance (the pods' leader,
 * the active scanner), spread into each service's schema and docs, and checked together.
 */
import type { z } from 'zod';
import type { ConfigDocs } from './config-table';
import { envMilliseconds } from './env-fields';

export function electionConfigShape() {
  return {
    LEADER_LEASE_MS: envMilliseconds(100, 600_000).default(5_000),
    LEADER_RENEW_MS: envMilliseconds(10, 600_000).default(1_250),
    LEADER_RENEW_DEADLINE_MS: envMilliseconds(50, 600_000).default(3_500),
    LEADER_RETRY_MS: envMilliseconds(10, 600_000).default(1_000),
  };
}

export type ElectionConfig = z.infer<z.ZodObject<ReturnType<typeof electionConfigShape>>>;

export const ELECTION_CONFIG_DOCS: ConfigDocs<ElectionConfig> = {
  LEADER_LEASE_MS:
    'TTL of the leader lock (ms): the longest a dead active instance keeps the others waiting.',
  LEADER_RENEW_MS: "Interval between the active instance's renews (ms).",
  LEADER_RENEW_DEADLINE_MS:
    'The active instance stops its work and steps down when no renew succeeded for this long (ms); must lie between renew and lease.',
  LEADER_RETRY_MS:
    "Interval between a standby's attempts to acquire the lock (ms); a release triggers one at once.",
};

/** renew < deadline < lease, the ordering that keeps two active instances from overlapping. */
export function checkElectionConfig(
  config: ElectionConfig,
  problem: (variable: string, message: string) => void,
): void {
  const { LEADER_RENEW_MS: renew, LEADER_RENEW_DEADLINE_MS: deadline, LEADER_LEASE_MS: lease } = config;
  if (!(renew < deadline && deadline < lease)) {
    problem(
      'LEADER_RENEW_DEADLINE_MS',
      `needs LEADER_RENEW_MS (${renew}) < LEADER_RENEW_DEADLINE_MS (${deadline}) < LEADER_LEASE_MS (${lease})`,
    );
  }
}

/** The timings packages/cluster's election takes. */
export function electionTimingsFrom(config: ElectionConfig) {
  return {
    leaseMs: config.LEADER_LEASE_MS,
    renewMs: config.LEADER_RENEW_MS,
    renewDeadlineMs: config.LEADER_RENEW_DEADLINE_MS,
    retryMs: config.LEADER_RETRY_MS,
  };
}
