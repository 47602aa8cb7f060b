/**
 * The `scanner:heartbeat` check of `/health`, the same on the scanner's replicas and on the
 * market-data pods: it warns when the active scanner's heartbeat is missing, older than two of
 * its scan intervals, reports a degraded scan, or cannot be read. It never fails: prices and
 * the scanner's API are served without a scanner at work.
 */
import type { HeartbeatReading } from '@tickwire/cluster';
import type { HealthCheck } from '@tickwire/observability';

/** A heartbeat older than this many scan intervals is late. */
export const HEARTBEAT_LATE_AFTER_INTERVALS = 2;

export function scannerHeartbeatCheck(reading: HeartbeatReading, now: number): HealthCheck {
  const time = new Date(now).toISOString();
  const warn = (output: string, observedValue?: number): HealthCheck => ({
    componentType: 'component',
    status: 'warn',
    ...(observedValue === undefined ? {} : { observedValue, observedUnit: 'ms since the last scan' }),
    output,
    time,
  });
  if (reading.state === 'unknown') return warn('the scanner heartbeat has not been read yet');
  if (reading.state === 'unreachable') return warn(`cannot read the scanner heartbeat: ${reading.error}`);
  const { heartbeat } = reading;
  if (heartbeat === undefined) return warn('no scanner heartbeat: no active scanner has completed a scan');
  const ageMs = Math.max(0, now - Date.parse(heartbeat.lastScanAt));
  const lateAfterMs = HEARTBEAT_LATE_AFTER_INTERVALS * heartbeat.scanIntervalMs;
  // Judged as of the read: a reader polling every 5 s must not call a 2 s scanner late between polls.
  const ageAtReadMs = Math.max(0, (reading.readAt ?? now) - Date.parse(heartbeat.lastScanAt));
  if (ageAtReadMs > lateAfterMs)
    return warn(
      `the last scan (by ${heartbeat.instanceId}) finished ${ageMs} ms ago, more than ${lateAfterMs} ms`,
      ageMs,
    );
  if (heartbeat.status !== 'ok')
    return warn(`the last scan (by ${heartbeat.instanceId}) was ${heartbeat.status}`, ageMs);
  return {
    componentType: 'component',
    status: 'pass',
    observedValue: ageMs,
    observedUnit: 'ms since the last scan',
    time,
  };
}
