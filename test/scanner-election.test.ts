/**
 * Scanner replicas as real processes on a real Redis: exactly one is active whatever the number
 * of replicas, every replica serves the API, and when the active one is SIGKILLed another takes
 * over within the lease. Runs the built scanner (`pnpm build` first).
 */
import { randomUUID } from 'node:crypto';
import type { HealthReport } from '@tickwire/observability';
import {
  startScannerProcess,
  startTestRedis,
  waitFor,
  type PodProcess,
  type TestRedis,
} from '@tickwire/testkit';

jest.setTimeout(60_000);

const TIMINGS = {
  LEADER_LEASE_MS: '1000',
  LEADER_RENEW_MS: '250',
  LEADER_RENEW_DEADLINE_MS: '700',
  LEADER_RETRY_MS: '100',
};
/** A standby's next attempt after the lease ran out, and its first answer, on a loaded machine (ms). */
const TAKEOVER_MARGIN_MS = 1_500;

async function role(replica: PodProcess): Promise<string | undefined> {
  try {
    const res = await fetch(`${replica.url}/health`, { signal: AbortSignal.timeout(2_000) });
    const report = (await res.json()) as HealthReport;
    return report.checks['scanner:election']?.[0]?.observedValue as string | undefined;
  } catch {
    return undefined;
  }
}

describe('scanner replicas', () => {
  let redis: TestRedis;
  const replicas: PodProcess[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.stop()));
  });

  it('keep exactly one active, serve the API on each, and hand over within the lease when the active one is killed', async () => {
    const env = {
      REDIS_URL: redis.url,
      SCANNER_NAMESPACE: `e${randomUUID().slice(0, 8)}`,
      SCAN_INTERVAL_MS: '1000',
      ...TIMINGS,
    };
    replicas.push(
      ...(await Promise.all([
        startScannerProcess({ ...env, INSTANCE_ID: 'scanner-a' }),
        startScannerProcess({ ...env, INSTANCE_ID: 'scanner-b' }),
      ])),
    );
    // Both standby for a moment is a handover (the active one held up past its 700 ms renew
    // deadline steps down): wait for one active; two active never passes.
    const roles = await waitFor(
      async () => {
        const seen = await Promise.all(replicas.map(role));
        return seen.every((r) => r !== undefined) && seen.includes('active') && seen;
      },
      { timeoutMs: 10_000, what: 'both replicas to report a role, one active' },
    );
    expect([...roles].sort()).toEqual(['active', 'standby']);

    // Either replica serves the API; what one writes the other reads.
    const owner = (await (
      await fetch(`${replicas[0]!.url}/v1/owners`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'alice' }),
      })
    ).json()) as { id: string };
    const seen = await fetch(`${replicas[1]!.url}/v1/owner`, { headers: { 'X-Owner-Id': owner.id } });
    expect(((await seen.json()) as { name: string }).name).toBe('alice');

    const activeIndex = roles.indexOf('active');
    const active = replicas[activeIndex]!;
    const standby = replicas[1 - activeIndex]!;
    const killedAt = Date.now();
    active.kill('SIGKILL');
    await active.exited(5_000);
    await waitFor(async () => (await role(standby)) === 'active', {
      timeoutMs: Number(TIMINGS.LEADER_LEASE_MS) + TAKEOVER_MARGIN_MS,
      what: 'the standby to take over',
    });
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThanOrEqual(Number(TIMINGS.LEADER_LEASE_MS) + TAKEOVER_MARGIN_MS);
    // The new active replica scans: its heartbeat reaches /health.
    await waitFor(
      async () => {
        const report = (await (await fetch(`${standby.url}/health`)).json()) as HealthReport;
        const check = report.checks['scanner:heartbeat']?.[0];
        return check?.status === 'pass' && String(check.output ?? '') === '';
      },
      { timeoutMs: 5_000, what: "the new active replica's heartbeat" },
    );
  });

  it('stops on SIGTERM, releasing the lease so the standby takes over at once', async () => {
    const env = {
      REDIS_URL: redis.url,
      SCANNER_NAMESPACE: `e${randomUUID().slice(0, 8)}`,
      ...TIMINGS,
      LEADER_LEASE_MS: '30000',
      LEADER_RENEW_DEADLINE_MS: '20000',
    };
    const first = await startScannerProcess({ ...env, INSTANCE_ID: 'scanner-a' });
    replicas.push(first);
    await waitFor(async () => (await role(first)) === 'active', {
      timeoutMs: 5_000,
      what: 'the first replica to be active',
    });
    const second = await startScannerProcess({ ...env, INSTANCE_ID: 'scanner-b' });
    replicas.push(second);
    expect(await role(second)).toBe('standby');
    first.kill('SIGTERM');
    expect((await first.exited(10_000)).code).toBe(0);
    // Well within the 30 s lease: the release told the standby.
    await waitFor(async () => (await role(second)) === 'active', {
      timeoutMs: 5_000,
      what: 'the standby to take over',
    });
  });
});
