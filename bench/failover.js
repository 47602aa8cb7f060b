#!/usr/bin/env node
/**
 * Failover benchmark: a cluster of real pods (child processes) on a real Redis in front of the
 * exchange simulator. Kills the leader N times with SIGKILL and hands over N times with
 * SIGTERM, and reports how long the cluster went without an upstream connection (from the
 * signal to the simulator's next accepted WebSocket) and the longest gap an SSE client on a
 * surviving pod saw between ticks. Runs two timing profiles side by side in one invocation:
 * the defaults and the short test timings, so the cost of each lease length is visible.
 *
 *   pnpm build && node bench/failover.js [--runs 20] [--pods 3]
 *
 * Uses REDIS_URL when set, else a redis-server binary on a free port (testkit's rules).
 */
const os = require('node:os');
const { randomUUID } = require('node:crypto');
const {
  openSse,
  startExchangeSim,
  startPodProcess,
  startTestRedis,
  waitFor,
} = require('../packages/testkit/dist');

const PROFILES = [
  {
    name: 'defaults',
    env: {
      LEADER_LEASE_MS: '5000',
      LEADER_RENEW_MS: '1250',
      LEADER_RENEW_DEADLINE_MS: '3500',
      LEADER_RETRY_MS: '1000',
    },
  },
  {
    name: 'short (test) timings',
    env: {
      LEADER_LEASE_MS: '2000',
      LEADER_RENEW_MS: '500',
      LEADER_RENEW_DEADLINE_MS: '1400',
      LEADER_RETRY_MS: '250',
    },
  },
];
/** How often the simulator's connection count is read (ms). */
const SAMPLE_MS = 5;

function parseArgs(argv) {
  const args = { runs: 20, pods: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args)) throw new Error(`unknown option ${argv[i]} (known: --runs, --pods)`);
    args[key] = Number(argv[i + 1]);
  }
  return args;
}

const alive = (pod) => pod.process.exitCode === null && pod.process.signalCode === null;

async function leaderOf(pods, sim) {
  return waitFor(
    async () => {
      const live = pods.filter(alive);
      const statuses = await Promise.all(
        live.map((pod) =>
          fetch(`${pod.url}/v1/status`, { signal: AbortSignal.timeout(1_000) })
            .then((r) => r.json())
            .catch(() => undefined),
        ),
      );
      const leaders = live.filter((_, i) => statuses[i]?.role === 'leader' && statuses[i]?.upstreamHeldHere);
      return leaders.length === 1 && sim.stats().wsConnections === 1 ? leaders[0] : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 20, what: 'one leader holding the upstream' },
  );
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { min: sorted[0], median: at(0.5), p95: at(0.95), max: sorted.at(-1) };
}

async function runProfile(profile, args, redis, sim) {
  const namespace = `bench${randomUUID().slice(0, 8)}`;
  let n = 0;
  const pods = [];
  const env = {
    REDIS_URL: redis.url,
    REDIS_NAMESPACE: namespace,
    BINANCE_WS_URL: sim.wsUrl,
    BINANCE_REST_URL: sim.url,
    SYMBOLS: 'BTCUSDT,ETHUSDT,SOLUSDT',
    LOG_LEVEL: 'warn',
    UPSTREAM_BACKOFF_BASE_MS: '50',
    SHUTDOWN_GRACE_MS: '3000',
    ...profile.env,
  };
  // startPodProcess waits for the "listening" line, logged at info: keep info for that line only.
  const addPod = async () => {
    n += 1;
    const pod = await startPodProcess({ ...env, LOG_LEVEL: 'info', INSTANCE_ID: `bench-${n}` });
    pods.push(pod);
    return pod;
  };
  const results = {
    SIGKILL: { outage: [], gap: [], overlap: 0 },
    SIGTERM: { outage: [], gap: [], overlap: 0 },
  };
  try {
    await Promise.all(Array.from({ length: args.pods }, addPod));
    for (const signal of ['SIGKILL', 'SIGTERM']) {
      for (let run = 0; run < args.runs; run++) {
        const leader = await leaderOf(pods, sim);
        const survivor = pods.find((pod) => pod !== leader && alive(pod));
        const sse = await openSse(`${survivor.url}/v1/stream`);
        try {
          await sse.waitForEvents((events) => events.some((e) => e.event === 'tick'), 5_000);
          const opened = sim.stats().wsConnectionsTotal;
          let maxOpen = 0;
          const sampler = setInterval(
            () => (maxOpen = Math.max(maxOpen, sim.stats().wsConnections)),
            SAMPLE_MS,
          );
          const signalledAt = Date.now();
          leader.kill(signal);
          await waitFor(() => sim.stats().wsConnectionsTotal > opened, {
            timeoutMs: 20_000,
            intervalMs: 1,
            what: 'a new upstream connection',
          });
          const outage = Date.now() - signalledAt;
          const resumedAt = Date.now();
          await sse.waitForEvents(
            (events) => events.some((e) => e.event === 'tick' && e.receivedAt > resumedAt),
            10_000,
          );
          clearInterval(sampler);
          const tickTimes = sse.events.filter((e) => e.event === 'tick').map((e) => e.receivedAt);
          const before = tickTimes.filter((t) => t <= signalledAt).at(-1) ?? signalledAt;
          const after = tickTimes.find((t) => t > signalledAt);
          results[signal].outage.push(outage);
          results[signal].gap.push(after - before);
          if (maxOpen > 1) results[signal].overlap += 1;
        } finally {
          sse.close();
        }
        await leader.exited(10_000);
        pods.splice(pods.indexOf(leader), 1);
        await addPod(); // keep the cluster at its size
        process.stderr.write(
          `${profile.name} ${signal} ${run + 1}/${args.runs}: ${results[signal].outage.at(-1)} ms\n`,
        );
      }
    }
  } finally {
    await Promise.all(pods.map((pod) => pod.stop()));
  }
  return results;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const redis = await startTestRedis();
  const sim = await startExchangeSim({ seed: 11, tradesPerSecond: 20, tickerIntervalMs: 250 });
  const rows = [];
  try {
    for (const profile of PROFILES) {
      const results = await runProfile(profile, args, redis, sim);
      for (const signal of ['SIGKILL', 'SIGTERM']) {
        const o = summary(results[signal].outage);
        const g = summary(results[signal].gap);
        rows.push(
          `| ${profile.name} | ${signal} | ${o.min} | ${o.median} | ${o.p95} | ${o.max} | ${g.median} | ${g.max} | ${results[signal].overlap} |`,
        );
      }
    }
  } finally {
    await sim.stop();
    await redis.stop();
  }
  const cpu = os.cpus();
  console.log(
    `\nfailover: ${args.runs} runs per signal, ${args.pods} pods, ${cpu.length}x ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(
    'outage = signal to the next upstream connection; gap = longest silence between ticks seen by an SSE client of a surviving pod (ms)\n',
  );
  console.log(
    '| timings | signal | outage min | median | p95 | max | tick gap median | tick gap max | runs with 2 connections |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
