/**
 * `/health` of a gateway replica: Redis reachable (keys and limits live there: without it every
 * keyed request fails, so the check fails, 503) and the market-data pods ready (warns while some
 * are not, fails when none is: no REST request can be answered); with SCANNER_URLS, the scanner
 * replicas ready (warns at most: prices are served without a scanner).
 */
import { buildHealthReport, type HealthCheck, type HealthReport } from '@tickwire/observability';
import type { UpstreamState } from '../routing';

export interface GatewayHealthInputs {
  instanceId: string;
  redisReady: boolean;
  pods: readonly UpstreamState[];
  /** The scanner replicas configured (none: no such check). */
  scanners: readonly UpstreamState[];
  /** ms since the epoch. */
  now: number;
}

export function gatewayHealth(inputs: GatewayHealthInputs): HealthReport {
  const time = new Date(inputs.now).toISOString();
  return buildHealthReport(inputs.instanceId, 'tickwire gateway', {
    'redis:connection': [redisCheck(inputs.redisReady, time)],
    'market-data:pods': [replicasCheck(inputs.pods, 'pods', time)],
    ...(inputs.scanners.length > 0 && {
      'scanner:replicas': [warnAtMost(replicasCheck(inputs.scanners, 'scanner replicas', time))],
    }),
  });
}

function redisCheck(ready: boolean, time: string): HealthCheck {
  return {
    componentType: 'datastore',
    status: ready ? 'pass' : 'fail',
    observedValue: ready ? 'connected' : 'unreachable',
    ...(ready ? {} : { output: 'Redis unreachable: keys and rate limits cannot be checked' }),
    time,
  };
}

function replicasCheck(pods: readonly UpstreamState[], what: string, time: string): HealthCheck {
  const healthy = pods.filter((pod) => pod.healthy).length;
  const down = pods.filter((pod) => !pod.healthy);
  return {
    componentType: 'component',
    status: healthy === pods.length ? 'pass' : healthy === 0 ? 'fail' : 'warn',
    observedValue: healthy,
    observedUnit: `ready ${what} of ${pods.length}`,
    ...(down.length > 0 && {
      output: down.map((pod) => `${pod.url}: ${pod.reason ?? 'not ready'}`).join('; '),
    }),
    time,
  };
}

/** A part the gateway serves prices without: its failure degrades, never fails, the replica. */
function warnAtMost(check: HealthCheck): HealthCheck {
  return check.status === 'fail' ? { ...check, status: 'warn' } : check;
}
