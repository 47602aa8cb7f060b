/**
 * `/health` of a gateway replica: Redis reachable (keys and limits live there: without it every
 * keyed request fails, so the check fails, 503) and the market-data pods ready (warns while some
 * are not, fails when none is: no REST request can be answered).
 */
import { buildHealthReport, type HealthCheck, type HealthReport } from '@tickwire/observability';
import type { PodState } from '../routing';

export interface GatewayHealthInputs {
  instanceId: string;
  redisReady: boolean;
  pods: readonly PodState[];
  /** ms since the epoch. */
  now: number;
}

export function gatewayHealth(inputs: GatewayHealthInputs): HealthReport {
  const time = new Date(inputs.now).toISOString();
  return buildHealthReport(inputs.instanceId, 'tickwire gateway', {
    'redis:connection': [redisCheck(inputs.redisReady, time)],
    'market-data:pods': [podsCheck(inputs.pods, time)],
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

function podsCheck(pods: readonly PodState[], time: string): HealthCheck {
  const healthy = pods.filter((pod) => pod.healthy).length;
  const down = pods.filter((pod) => !pod.healthy);
  return {
    componentType: 'component',
    status: healthy === pods.length ? 'pass' : healthy === 0 ? 'fail' : 'warn',
    observedValue: healthy,
    observedUnit: `ready pods of ${pods.length}`,
    ...(down.length > 0 && {
      output: down.map((pod) => `${pod.url}: ${pod.reason ?? 'not ready'}`).join('; '),
    }),
    time,
  };
}
