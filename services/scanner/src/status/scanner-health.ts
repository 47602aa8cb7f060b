/**
 * `/health` of a scanner replica: Redis reachable, an active scanner elected (this one or
 * another), and the active scanner's heartbeat fresh. The overall status is the worst check;
 * only an unreachable Redis fails (503): without it no replica can serve the API.
 */
import type { HeartbeatReading, LeadershipState, LeaseInfo } from '@tickwire/cluster';
import { buildHealthReport, type HealthCheck, type HealthReport } from '@tickwire/observability';
import { scannerHeartbeatCheck } from '@tickwire/service';
import { roleName } from '../role';

export interface ScannerHealthInputs {
  election: LeadershipState;
  lease: LeaseInfo;
  heartbeat: HeartbeatReading;
  /** ms since the epoch. */
  now: number;
}

export function scannerHealth(inputs: ScannerHealthInputs): HealthReport {
  const time = new Date(inputs.now).toISOString();
  return buildHealthReport(inputs.election.instanceId, 'tickwire scanner', {
    'redis:connection': [redisCheck(inputs, time)],
    'scanner:election': [electionCheck(inputs, time)],
    'scanner:heartbeat': [scannerHeartbeatCheck(inputs.heartbeat, inputs.now)],
  });
}

function redisCheck({ lease }: ScannerHealthInputs, time: string): HealthCheck {
  return {
    componentType: 'datastore',
    status: lease.reachable ? 'pass' : 'fail',
    observedValue: lease.reachable ? 'connected' : 'unreachable',
    ...(lease.reachable ? {} : { output: 'Redis unreachable: the election cannot reach its store' }),
    time,
  };
}

function electionCheck({ election }: ScannerHealthInputs, time: string): HealthCheck {
  const known = election.leaderId !== undefined;
  return {
    componentType: 'component',
    status: known ? 'pass' : 'warn',
    observedValue: roleName(election.role),
    ...(known ? {} : { output: 'no active scanner elected yet' }),
    time,
  };
}
