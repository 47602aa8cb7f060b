/**
 * A real cluster for multi-process tests: the simulator in this process, a real Redis, and N
 * market-data pods as child processes sharing a fresh key namespace. A sampler reads the
 * simulator's open WebSocket count every 50 ms for the whole test, which is how the tests
 * prove "exactly one upstream connection per cluster".
 */
import { randomUUID } from 'node:crypto';
import {
  parsePrometheusText,
  sampleValue,
  startExchangeSim,
  startPodProcess,
  startTestRedis,
  waitFor,
  type ExchangeSim,
  type PodProcess,
  type SimOptions,
  type TestRedis,
} from '@tickwire/testkit';

/** Short election timings so tests run fast (the issue's: lease 2 s, retry 250 ms). */
export const TEST_TIMINGS = {
  LEADER_LEASE_MS: '2000',
  LEADER_RENEW_MS: '500',
  LEADER_RENEW_DEADLINE_MS: '1400',
  LEADER_RETRY_MS: '250',
};

export const SAMPLE_INTERVAL_MS = 50;

export interface PodStatusBody {
  instanceId: string;
  role: 'leader' | 'follower';
  leaderId: string | null;
  epoch: number;
  state: string;
  lastBatchId: string | null;
  distribution: { connected: boolean };
  upstreamHeldHere: boolean;
}

export interface Sample {
  at: number;
  connections: number;
}

export interface ClusterFixture {
  sim: ExchangeSim;
  /** The Redis behind REDIS_URL; undefined when the test passed its own `redisEnv`. */
  redis: TestRedis | undefined;
  namespace: string;
  pods: PodProcess[];
  samples: Sample[];
  /** Adds a pod (named pod-<n>) with the cluster's environment plus `env`. */
  addPod(env?: Record<string, string>): Promise<PodProcess>;
  status(pod: PodProcess): Promise<PodStatusBody | undefined>;
  /** Waits until exactly one live pod says it leads and the simulator has one connection. */
  leader(timeoutMs?: number): Promise<PodProcess>;
  /** What the pods logged last at warn or above, so a failure on a loaded machine can be told from a bug. */
  recentWarnings(perPod?: number): string[];
  /** The simulator's connections and subscriptions and each pod's role, for a failure message. */
  describe(): Promise<string>;
  stop(): Promise<void>;
}

export interface ClusterFixtureOptions {
  pods: number;
  env?: Record<string, string>;
  sim?: SimOptions;
  /** A Redis the test controls (for outages); by default startTestRedis(). */
  redis?: TestRedis;
  /** Redis connection env instead of REDIS_URL (e.g. REDIS_CLUSTER_NODES). */
  redisEnv?: Record<string, string>;
}

export const TEST_SYMBOLS = 'BTCUSDT,ETHUSDT,SOLUSDT';

export async function startCluster(options: ClusterFixtureOptions): Promise<ClusterFixture> {
  const sim = await startExchangeSim({ seed: 7, tradesPerSecond: 20, tickerIntervalMs: 250, ...options.sim });
  const ownsRedis = options.redis === undefined && options.redisEnv === undefined;
  let redis: TestRedis | undefined;
  const pods: PodProcess[] = [];
  const samples: Sample[] = [];
  const sampler = setInterval(
    () => samples.push({ at: Date.now(), connections: sim.stats().wsConnections }),
    SAMPLE_INTERVAL_MS,
  );
  const namespace = `e2e${randomUUID().slice(0, 8)}`;
  let podCount = 0;

  const stop = async () => {
    clearInterval(sampler);
    await Promise.all(pods.map((pod) => pod.stop()));
    await sim.stop();
    if (ownsRedis) await redis?.stop();
  };

  try {
    redis = options.redis ?? (ownsRedis ? await startTestRedis() : undefined);
    const baseEnv = {
      ...(options.redisEnv ?? { REDIS_URL: redis!.url }),
      REDIS_NAMESPACE: namespace,
      BINANCE_WS_URL: sim.wsUrl,
      BINANCE_REST_URL: sim.url,
      SYMBOLS: TEST_SYMBOLS,
      UPSTREAM_BACKOFF_BASE_MS: '50',
      UPSTREAM_BACKOFF_MAX_MS: '500',
      SHUTDOWN_GRACE_MS: '3000',
      ...TEST_TIMINGS,
      ...options.env,
    };
    const fixture: ClusterFixture = {
      sim,
      redis,
      namespace,
      pods,
      samples,
      addPod: async (env = {}) => {
        podCount += 1;
        const pod = await startPodProcess({ ...baseEnv, INSTANCE_ID: `pod-${podCount}`, ...env });
        pods.push(pod);
        return pod;
      },
      status: async (pod) => {
        try {
          const response = await fetch(`${pod.url}/v1/status`, { signal: AbortSignal.timeout(1_000) });
          return (await response.json()) as PodStatusBody;
        } catch {
          return undefined; // killed or frozen
        }
      },
      leader: async (timeoutMs = 10_000) => {
        let seen = '';
        try {
          return await waitFor(
            async () => {
              const alive = pods.filter(
                (pod) => pod.process.exitCode === null && pod.process.signalCode === null,
              );
              const statuses = await Promise.all(alive.map((pod) => fixture.status(pod)));
              const leaders = alive.filter(
                (_, i) => statuses[i]?.role === 'leader' && statuses[i]?.upstreamHeldHere,
              );
              const connections = sim.stats().wsConnections;
              seen = `sim connections ${connections}; ${alive
                .map(
                  (pod, i) => `${pod.url}: ${statuses[i]?.role ?? 'no answer'}/${statuses[i]?.state ?? '-'}`,
                )
                .join(', ')}`;
              return leaders.length === 1 && connections === 1 ? leaders[0] : undefined;
            },
            { timeoutMs, intervalMs: 20, what: 'exactly one leader holding the upstream' },
          );
        } catch (error) {
          throw new Error(
            `${(error as Error).message}; last seen: ${seen}\n${fixture.recentWarnings().join('\n')}`,
            { cause: error },
          );
        }
      },
      recentWarnings: (perPod = 5) =>
        pods.flatMap((pod) =>
          pod.logs
            .filter((entry) => entry.level === 'warn' || entry.level === 'error' || entry.level === 'fatal')
            .slice(-perPod)
            .map((entry) => `${pod.url}: ${String(entry.msg)} ${JSON.stringify(entry.err ?? null)}`),
        ),
      describe: async () => {
        const stats = sim.stats();
        const statuses = await Promise.all(pods.map((pod) => fixture.status(pod)));
        const streams = await Promise.all(pods.map((pod) => sseClients(pod)));
        const roles = pods.map((pod, i) => {
          const status = statuses[i];
          const role = status ? `${status.role}/${status.state} epoch ${status.epoch}` : 'no answer';
          return `${pod.url}: ${role}, ${streams[i] ?? '?'} SSE client(s)`;
        });
        return [
          `sim: ${stats.wsConnections} connection(s) open, ${stats.wsConnectionsTotal} in all, ${stats.subscriptions} stream(s) subscribed`,
          ...roles,
          ...fixture.recentWarnings(10),
        ].join('\n');
      },
      stop,
    };
    await Promise.all(Array.from({ length: options.pods }, () => fixture.addPod()));
    return fixture;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The pod's open streams by its own count, or undefined when it does not answer. */
async function sseClients(pod: PodProcess): Promise<number | undefined> {
  try {
    const response = await fetch(`${pod.url}/metrics`, { signal: AbortSignal.timeout(1_000) });
    return sampleValue(parsePrometheusText(await response.text()), 'tickwire_sse_clients');
  } catch {
    return undefined;
  }
}

/** Samples taken from `from` on (ms since the epoch). */
export function samplesSince(samples: Sample[], from: number): Sample[] {
  return samples.filter((sample) => sample.at >= from);
}

/** Lists the ids of a pod's processes that are still running. */
export function isAlive(pod: PodProcess): boolean {
  return pod.process.exitCode === null && pod.process.signalCode === null;
}

/**
 * The longest the pod's event loop was held up (busy, or waiting for a CPU) since the previous
 * call for it (ms), by its own monitor, which each scrape resets; 0 when it does not answer. Call
 * it once before a measured period; a time bound across processes then adds what it reports.
 */
export async function loopHeldUpMs(pod: PodProcess): Promise<number> {
  try {
    const response = await fetch(`${pod.url}/metrics`, { signal: AbortSignal.timeout(2_000) });
    const text = await response.text();
    return sampleValue(parsePrometheusText(text), 'tickwire_nodejs_eventloop_lag_max_seconds') * 1_000;
  } catch {
    return 0;
  }
}
