import { buildHealthReport, healthHttpStatus, overallStatus, type HealthCheck } from './health';

const check = (status: HealthCheck['status'], output?: string): HealthCheck => ({
  status,
  time: '2026-01-01T00:00:00.000Z',
  ...(output === undefined ? {} : { output }),
});

describe('the health report', () => {
  it('passes when there is nothing to check', () => {
    expect(overallStatus({})).toBe('pass');
    expect(overallStatus({ redis: [] })).toBe('pass');
  });

  it('takes the worst status of every check of every component', () => {
    expect(overallStatus({ redis: [check('pass')], upstream: [check('pass'), check('warn')] })).toBe('warn');
    expect(overallStatus({ redis: [check('fail')], upstream: [check('warn')] })).toBe('fail');
    expect(overallStatus({ redis: [check('warn'), check('pass')] })).toBe('warn');
  });

  it('answers 503 only when failing, so a warning keeps the pod in rotation', () => {
    expect(healthHttpStatus('pass')).toBe(200);
    expect(healthHttpStatus('warn')).toBe(200);
    expect(healthHttpStatus('fail')).toBe(503);
  });

  it('builds the IETF health+json shape with the overall status and the checks as given', () => {
    const checks = { 'redis:connected': [check('fail', 'connection refused')], upstream: [check('pass')] };
    expect(buildHealthReport('pod-1', 'market-data', checks)).toEqual({
      status: 'fail',
      serviceId: 'pod-1',
      description: 'market-data',
      checks,
    });
  });
});
