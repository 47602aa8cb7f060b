/**
 * `/health` of a pod, for uptime monitors: Redis reachable (Redis engine only), every
 * exchange's upstream open (or idle: nobody asked for its symbols), the configured symbols'
 * prices fresh, when a scanner is configured, its heartbeat, and, with a history database, that
 * it answers (only a warning when not: prices are still served). The overall status is the worst
 * check; `fail` answers 503.
 */
import type { HeartbeatReading } from '@tickwire/cluster';
import type { ExchangeId } from '@tickwire/core';
import { buildHealthReport, type HealthCheck, type HealthReport } from '@tickwire/observability';
import { scannerHeartbeatCheck } from '@tickwire/service';
import type { HistoryDatabaseState } from '../history';
import type { PodStatus } from './pod-status';

export interface PodHealthInputs {
  status: PodStatus;
  defaultExchange: ExchangeId;
  /** How many symbols are configured. */
  symbolCount: number;
  /** Configured symbols without a price newer than `staleAfterMs`. */
  staleSymbols: readonly string[];
  staleAfterMs: number;
  /** The scanner's heartbeat as last read; undefined when no scanner is configured. */
  scannerHeartbeat: HeartbeatReading | undefined;
  /** The history database's state; undefined when none is configured. */
  history: HistoryDatabaseState | undefined;
  /** Now (ms since the epoch), stamped on every check. */
  now: number;
  /** `now` as ISO time. */
  time: string;
}

export function podHealth(inputs: PodHealthInputs): HealthReport {
  const { status } = inputs;
  const checks: Record<string, HealthCheck[]> = {};
  if (status.engine === 'redis') checks['redis:connection'] = [redisCheck(inputs)];
  checks['upstream:connection'] = upstreamChecks(inputs);
  checks['prices:freshness'] = [freshnessCheck(inputs)];
  if (inputs.scannerHeartbeat !== undefined)
    checks['scanner:heartbeat'] = [scannerHeartbeatCheck(inputs.scannerHeartbeat, inputs.now)];
  if (inputs.history !== undefined) checks['history:database'] = [historyCheck(inputs.history, inputs.time)];
  return buildHealthReport(status.instanceId, 'tickwire market-data pod', checks);
}

function redisCheck({ status, time }: PodHealthInputs): HealthCheck {
  const reachable = status.distribution.connected && status.lease.reachable;
  return {
    componentType: 'datastore',
    status: reachable ? 'pass' : 'fail',
    observedValue: reachable ? 'connected' : 'unreachable',
    ...(reachable ? {} : { output: `Redis unreachable: ${status.distribution.error ?? 'election store'}` }),
    time,
  };
}

function upstreamChecks({ status, defaultExchange, time }: PodHealthInputs): HealthCheck[] {
  const noUpstream = status.leaderId === null ? 'no leader' : 'unknown';
  const connections =
    status.upstreams.length > 0
      ? status.upstreams.map((u) => ({ exchange: u.exchange, connection: u.connection }))
      : [{ exchange: defaultExchange, connection: noUpstream }];
  return connections.map(({ exchange, connection }) => {
    // An exchange nobody asked a symbol of holds no connection, and needs none.
    const well = connection === 'open' || connection === 'idle';
    return {
      componentId: exchange,
      componentType: 'component',
      status: well ? 'pass' : 'fail',
      observedValue: connection,
      ...(well ? {} : { output: `${exchange} connection is ${connection}` }),
      time,
    };
  });
}

function freshnessCheck({
  status,
  symbolCount,
  staleSymbols,
  staleAfterMs,
  time,
}: PodHealthInputs): HealthCheck {
  const allStale = status.state === 'stale' || staleSymbols.length === symbolCount;
  return {
    componentType: 'component',
    status: allStale ? 'fail' : staleSymbols.length > 0 ? 'warn' : 'pass',
    observedValue: staleSymbols.length,
    observedUnit: 'stale symbols',
    ...(staleSymbols.length > 0
      ? { output: `no price newer than ${staleAfterMs} ms for ${staleSymbols.join(', ')}` }
      : allStale
        ? { output: 'serving the last known prices: not following the distribution' }
        : {}),
    time,
  };
}

function historyCheck(history: HistoryDatabaseState, time: string): HealthCheck {
  const well = history.reachable === true && history.migrated;
  const observed =
    history.reachable === undefined ? 'connecting' : history.reachable ? 'connected' : 'unreachable';
  return {
    componentType: 'datastore',
    status: well ? 'pass' : 'warn',
    observedValue: observed,
    ...(well
      ? {}
      : {
          output: `history database ${observed}${history.error ? `: ${history.error}` : ''}; candles wait in Redis, prices are served`,
        }),
    time,
  };
}
