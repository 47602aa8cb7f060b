/**
 * The health model behind `/health`, in the shape of the IETF "Health Check Response Format
 * for HTTP APIs" draft (media type application/health+json) that uptime monitors understand.
 */

export type HealthStatus = 'pass' | 'warn' | 'fail';

export const HEALTH_MEDIA_TYPE = 'application/health+json';

export interface HealthCheck {
  status: HealthStatus;
  componentType?: string;
  observedValue?: number | string | boolean;
  observedUnit?: string;
  /** Human-readable reason, set when the status is not `pass`. */
  output?: string;
  time: string;
}

export interface HealthReport {
  status: HealthStatus;
  serviceId: string;
  description: string;
  checks: Record<string, HealthCheck[]>;
}

const SEVERITY: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** The overall status is the worst of the checks. */
export function overallStatus(checks: Record<string, HealthCheck[]>): HealthStatus {
  let worst: HealthStatus = 'pass';
  for (const list of Object.values(checks)) {
    for (const check of list) if (SEVERITY[check.status] > SEVERITY[worst]) worst = check.status;
  }
  return worst;
}

/** HTTP status for a report: uptime monitors treat anything but 2xx as down. */
export function healthHttpStatus(status: HealthStatus): 200 | 503 {
  return status === 'fail' ? 503 : 200;
}

export function buildHealthReport(
  serviceId: string,
  description: string,
  checks: Record<string, HealthCheck[]>,
): HealthReport {
  return { status: overallStatus(checks), serviceId, description, checks };
}
