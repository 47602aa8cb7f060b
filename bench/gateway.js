#!/usr/bin/env node
/**
 * REST through the gateway vs straight to a pod, in one invocation (issue 16): `wrk` against
 * GET /v1/prices/BTCUSDT on a pod, on a gateway with its price cache off (every request
 * authenticated, rate-limited in Redis and forwarded to the pod) and on a gateway with the cache
 * on (the default). Then the key-guessing check: the same authenticated load on the uncached
 * gateway alone, and again while a second wrk sends random keys as fast as it can from another
 * client address (X-Forwarded-For, TRUST_PROXY_HOPS=1), which the gateway throttles after
 * AUTH_FAILURE_LIMIT failures. Rounds alternate so drift hits every case alike.
 *
 *   pnpm build && pnpm bench:gateway [--seconds 10] [--rounds 2] [--connections 50]
 *
 * Needs wrk (Debian: apt-get install -y wrk) and Redis (REDIS_URL, default
 * redis://127.0.0.1:6379; the run's keys live under a fresh namespace, deleted at the end).
 * Loopback only; every process started here is killed at the end.
 */
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const { writeFileSync, mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Redis = require('ioredis');
const { startFeed, BENCH_SYMBOLS } = require('./lib/feed');
const { killAll, procStats, start, stop, waitForLine } = require('./lib/processes');
const { deleteNamespace, freshNamespace } = require('./lib/redis-namespace');
const { markdownTable, ratio } = require('./lib/table');
const { startPod } = require('./lib/targets');

const ROOT = path.join(__dirname, '..');
const PRIMING_RATE = 50;
const PRIMING_MS = 2_000;
const START_TIMEOUT_MS = 15_000;

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg, i, all) => (arg.startsWith('--') ? [[arg.slice(2), all[i + 1]]] : [])),
);
const SECONDS = Number(args.seconds ?? 10);
const ROUNDS = Number(args.rounds ?? 2);
const CONNECTIONS = Number(args.connections ?? 50);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Random keys of the real shape, from another client address: every one refused. */
const GUESSER_SCRIPT = `
local chars = "0123456789abcdef"
local function hex(n)
  local t = {}
  for i = 1, n do local k = math.random(1, 16); t[i] = chars:sub(k, k) end
  return table.concat(t)
end
request = function()
  return wrk.format(nil, nil, {
    ["Authorization"] = "Bearer tw_" .. hex(12) .. "_" .. hex(43),
    ["X-Forwarded-For"] = "10.66.0.1",
  })
end
`;

function wrkArgs(url, headers, extra = []) {
  return [
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${SECONDS}s`,
    '--latency',
    ...extra,
    ...headers.flatMap((h) => ['-H', h]),
    url,
  ];
}

function parseWrk(out) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const ms = (label) => {
    const match = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!match) return NaN;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50: ms('50'), p99: ms('99'), non2xx };
}

const wrk = (url, headers) => parseWrk(execFileSync('wrk', wrkArgs(url, headers), { encoding: 'utf8' }));

/** Starts the guesser; resolves with its figures when it ends (it runs as long as one case). */
function guess(url, script) {
  const child = spawn('wrk', wrkArgs(url, [], ['-s', script]), { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  // 'close', not 'exit': the output may still be in the pipe when the process exits.
  return new Promise((resolve) => child.on('close', () => resolve(parseWrk(out))));
}

async function startGateway(env) {
  const { child, lines } = start(process.execPath, [path.join(ROOT, 'services/gateway/dist/main.js')], {
    PORT: '0',
    HOST: '127.0.0.1',
    // info: the harness waits for the "listening" line.
    LOG_LEVEL: 'info',
    ...env,
  });
  const port = await waitForLine(
    lines,
    (line) => (/"msg":"listening"/.test(line) ? JSON.parse(line).port : undefined),
    START_TIMEOUT_MS,
    'the gateway to listen',
  );
  return { child, port };
}

function createKey(env) {
  const out = execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'services/gateway/dist/cli/keys.js'),
      'create',
      '--scope',
      'read',
      '--name',
      'bench',
      '--json',
    ],
    { encoding: 'utf8', env: { ...process.env, ...env } },
  );
  return JSON.parse(out).key;
}

async function main() {
  if (spawnSync('wrk', ['--version']).error) {
    throw new Error('wrk is not installed: apt-get install -y wrk (Debian), then run again');
  }
  const cpus = os.cpus();
  console.log(
    `gateway REST: wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds; ${cpus.length} x ${cpus[0].model}, node ${process.version}, ${new Date().toISOString()}\ncommand: node bench/gateway.js ${process.argv.slice(2).join(' ')}`,
  );
  const redis = new Redis(REDIS_URL);
  const namespace = freshNamespace('bg');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tw-bench-gateway-'));
  const script = path.join(tmp, 'guesser.lua');
  writeFileSync(script, GUESSER_SCRIPT);
  const feed = await startFeed({ symbols: BENCH_SYMBOLS, streams: 'aggTrade' });
  const pod = await startPod(feed, { clients: 0 });
  const gatewayEnv = {
    REDIS_URL,
    GATEWAY_NAMESPACE: namespace,
    MARKET_DATA_URLS: `http://127.0.0.1:${pod.port}`,
    KEY_RATE_LIMIT: '1000000',
    TRUST_PROXY_HOPS: '1',
  };
  const uncached = await startGateway({ ...gatewayEnv, PRICE_CACHE_TTL_MS: '0' });
  const cached = await startGateway(gatewayEnv);
  try {
    await feed.setTotalRate(PRIMING_RATE);
    await new Promise((resolve) => setTimeout(resolve, PRIMING_MS));
    await feed.setTotalRate(0);
    const key = createKey(gatewayEnv);
    const auth = [`Authorization: Bearer ${key}`, 'X-Forwarded-For: 10.1.0.1'];
    const pricePath = '/v1/prices/BTCUSDT';
    for (const port of [pod.port, uncached.port, cached.port]) {
      const answer = await fetch(`http://127.0.0.1:${port}${pricePath}`, {
        headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': '10.1.0.1' },
      });
      if (answer.status !== 200) throw new Error(`port ${port} answered ${answer.status}`);
    }
    const cases = [
      {
        name: 'pod direct',
        url: `http://127.0.0.1:${pod.port}${pricePath}`,
        headers: [],
        pids: [pod.pids[0]],
      },
      {
        name: 'gateway, cache off',
        url: `http://127.0.0.1:${uncached.port}${pricePath}`,
        headers: auth,
        pids: [uncached.child.pid, pod.pids[0]],
      },
      {
        name: 'gateway, cache on (500 ms)',
        url: `http://127.0.0.1:${cached.port}${pricePath}`,
        headers: auth,
        pids: [cached.child.pid, pod.pids[0]],
      },
      {
        name: 'gateway, cache off, during key guessing',
        url: `http://127.0.0.1:${uncached.port}${pricePath}`,
        headers: auth,
        pids: [uncached.child.pid, pod.pids[0]],
        guessing: true,
      },
    ];
    const results = new Map(cases.map((c) => [c.name, []]));
    const guesses = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const c of cases) {
        const before = procStats(c.pids);
        const t0 = performance.now();
        const guesser = c.guessing
          ? guess(`http://127.0.0.1:${uncached.port}${pricePath}`, script)
          : undefined;
        const r = wrk(c.url, c.headers);
        const cpu =
          ((procStats(c.pids).cpuSeconds - before.cpuSeconds) / ((performance.now() - t0) / 1000)) * 100;
        if (guesser) guesses.push(await guesser);
        results.get(c.name).push({ ...r, cpu });
        console.log(
          `  round ${round + 1} ${c.name}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms, non-2xx ${r.non2xx}, gateway+pod CPU ${cpu.toFixed(0)} %${
            guesser
              ? `; guesser ${Math.round(guesses.at(-1).rps)} req/s, all refused: ${guesses.at(-1).non2xx > 0}`
              : ''
          }`,
        );
      }
    }
    const mean = (list, field) => list.reduce((sum, r) => sum + r[field], 0) / list.length;
    const direct = results.get('pod direct');
    console.log(
      `\n${markdownTable(
        cases.map((c) => {
          const list = results.get(c.name);
          return {
            case: c.name,
            'req/s (mean)': mean(list, 'rps'),
            'p50 ms': mean(list, 'p50'),
            'p99 ms': mean(list, 'p99'),
            'CPU %': mean(list, 'cpu'),
            'non-2xx': list.reduce((n, r) => n + r.non2xx, 0),
            'req/s vs direct': ratio(mean(list, 'rps'), mean(direct, 'rps')),
          };
        }),
      )}`,
    );
    const quiet = results.get('gateway, cache off');
    const guessed = results.get('gateway, cache off, during key guessing');
    console.log(
      `\nkey guessing: authenticated p99 ${mean(guessed, 'p99').toFixed(2)} ms during vs ${mean(quiet, 'p99').toFixed(2)} ms without (${ratio(mean(guessed, 'p99'), mean(quiet, 'p99'))}); guesser ${Math.round(mean(guesses, 'rps'))} req/s, every answer non-2xx: ${guesses.every((g) => g.non2xx > 0)}`,
    );
  } finally {
    await stop(uncached.child);
    await stop(cached.child);
    await pod.stop();
    await feed.stop();
    await deleteNamespace(redis, namespace);
    redis.disconnect();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(killAll);
