/**
 * What the leader tells the followers about the cluster's exchange connections: attached to
 * every renew of its lease (see the engine's `setReporter`), read by every follower for its
 * `/v1/status`, SSE `status` events and `/health`. A contract between pods that may run
 * different versions during a rolling upgrade, so it is versioned, read defensively, and
 * anything a follower cannot read counts as "unknown", never as an error. States are passed
 * on as text: a follower that does not know a newer leader's state still shows it, and treats
 * every state but `open` as not live.
 */
import type { UpstreamStatus } from '../upstream/upstream';

/** Version of the report's shape; a follower ignores reports of versions it does not know. */
export const LEADER_REPORT_VERSION = 1;

/** One exchange's upstream as followers see it: the leader's own status, as JSON. */
export type UpstreamReport = UpstreamStatus;

interface LeaderReportV1 {
  v: typeof LEADER_REPORT_VERSION;
  upstreams: UpstreamReport[];
}

/** The report the leader attaches to its renews. */
export function encodeLeaderReport(upstreams: readonly UpstreamStatus[]): string {
  const report: LeaderReportV1 = { v: LEADER_REPORT_VERSION, upstreams: [...upstreams] };
  return JSON.stringify(report);
}

/**
 * The upstreams of a report as a follower reads it; undefined when there is none, or when it
 * is not a report this version understands.
 */
export function parseLeaderReport(report: string | undefined): UpstreamReport[] | undefined {
  if (!report) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(report);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.v !== LEADER_REPORT_VERSION || !Array.isArray(value.upstreams))
    return undefined;
  const upstreams: unknown[] = value.upstreams;
  return upstreams.length > 0 && upstreams.every(isUpstreamReport) ? upstreams : undefined;
}

function isUpstreamReport(value: unknown): value is UpstreamReport {
  return (
    isRecord(value) &&
    typeof value.exchange === 'string' &&
    typeof value.connection === 'string' &&
    typeof value.breaker === 'string'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
