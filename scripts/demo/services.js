/**
 * What `pnpm demo` runs, one block per service, in start order. A block names the service,
 * how many instances to run, how to start one (resolving once it serves, with its process and
 * URL) and how to describe its state. A new service is one more block here.
 */
const path = require('node:path');
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');
const {
  freePort,
  spawnRedisServer,
  startGatewayProcess,
  startPodProcess,
  startScannerProcess,
} = require('../../packages/testkit/dist');
const { CONFIG_TABLE: SCANNER_CONFIG } = require('../../services/scanner/dist/config');

const SIM_CLI = path.join(__dirname, '../../packages/exchange-sim/dist/cli.js');
/** How long a process may take to say it serves before the demo gives up on it (ms). */
const START_TIMEOUT_MS = 20_000;
/** A status request slower than this reports the instance as not answering (ms). */
const PROBE_TIMEOUT_MS = 1_000;
/** Market-data pods of the demo cluster. */
const POD_REPLICAS = 3;
/** Scanner replicas: one active, one standby ready to take over. */
const SCANNER_REPLICAS = 2;
/** What callers without a key may read through the demo's gateway, unless ANONYMOUS_READ says otherwise. */
const DEMO_ANONYMOUS_READ = 'prices';
/** What a pod or scanner may take to end its work on SIGTERM, plus a margin, before it is killed (ms). */
const POD_STOP_TIMEOUT_MS = Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000) + 2_000;

async function getJson(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  return response.json();
}

/**
 * Redis: the one in REDIS_URL, or a redis-server of its own on a free port (no persistence:
 * the demo's data lives as long as the demo). With REDIS_URL there is no process to supervise.
 */
function redisBlock(env) {
  return {
    name: 'redis',
    external: env.REDIS_URL,
    async start({ port }) {
      const chosen = port || (await freePort());
      const child = await spawnRedisServer([
        '--port',
        String(chosen),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
      ]);
      return { child, port: chosen, url: `redis://127.0.0.1:${chosen}` };
    },
    describe: async () => 'running',
  };
}

/** The Binance simulator's CLI (`pnpm sim`), which serves the WebSocket and REST on one port. */
function simulatorBlock(env) {
  return {
    name: 'exchange-sim',
    async start({ port }) {
      const args = ['--port', String(port), '--seed', env.SIM_SEED ?? '1'];
      if (env.SIM_RATE) args.push('--rate', env.SIM_RATE);
      if (env.SYMBOLS) args.push('--symbols', env.SYMBOLS);
      const child = spawn(process.execPath, [SIM_CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      const url = await firstMatch(child, /^tickwire-sim listening on (http:\/\/\S+)/, 'the simulator');
      return { child, url, port: Number(new URL(url).port) };
    },
    async describe(instance) {
      const stats = await getJson(`${instance.url}/_sim/stats`);
      return `running, ${stats.wsConnections} exchange connection(s)`;
    },
  };
}

/** Identical market-data pods on one Redis, pointed at the simulator. */
function marketDataBlock(env, endpoints) {
  return {
    name: 'market-data',
    replicas: POD_REPLICAS,
    stopTimeoutMs: POD_STOP_TIMEOUT_MS,
    async start({ name, port }) {
      const pod = await startPodProcess(
        {
          ...env,
          HOST: env.HOST ?? '127.0.0.1',
          PORT: String(port),
          INSTANCE_ID: name,
          REDIS_URL: endpoints.redis(),
          BINANCE_WS_URL: endpoints.simulator().replace(/^http/, 'ws'),
          BINANCE_REST_URL: endpoints.simulator(),
          // The pods' /health then reports the scanner's heartbeat.
          SCANNER_NAMESPACE: scannerNamespace(env),
        },
        START_TIMEOUT_MS,
      );
      return { child: pod.process, url: pod.url, port: pod.port, logs: pod.logs };
    },
    async describe(instance) {
      const status = await getJson(`${instance.url}/v1/status`);
      return `${status.role}, ${status.state}, epoch ${status.epoch}, ${status.sseClients} SSE client(s)`;
    },
  };
}

/** Scanner replicas on the same Redis: one is elected active and scans, the other stands by. */
function scannerBlock(env, endpoints) {
  return {
    name: 'scanner',
    replicas: SCANNER_REPLICAS,
    stopTimeoutMs: POD_STOP_TIMEOUT_MS,
    async start({ name, port }) {
      const scanner = await startScannerProcess(
        {
          ...env,
          HOST: env.HOST ?? '127.0.0.1',
          PORT: String(port),
          INSTANCE_ID: name,
          REDIS_URL: endpoints.redis(),
          SCANNER_NAMESPACE: scannerNamespace(env),
        },
        START_TIMEOUT_MS,
      );
      return { child: scanner.process, url: scanner.url, port: scanner.port, logs: scanner.logs };
    },
    async describe(instance) {
      const { checks } = await getJson(`${instance.url}/health`);
      const role = checks['scanner:election']?.[0]?.observedValue;
      return `${role}, heartbeat ${checks['scanner:heartbeat']?.[0]?.status}`;
    },
  };
}

/**
 * One gateway in front of the pods and the scanner: REST with API keys (`pnpm keys create`, on
 * the demo's Redis) and rate limits, the scanner's owner API for bot keys. Prices are open to callers without a key, so a plain curl shows them.
 */
function gatewayBlock(env, endpoints) {
  return {
    name: 'gateway',
    stopTimeoutMs: POD_STOP_TIMEOUT_MS,
    async start({ name, port }) {
      const gateway = await startGatewayProcess(
        {
          ...env,
          HOST: env.HOST ?? '127.0.0.1',
          PORT: String(port),
          INSTANCE_ID: name,
          REDIS_URL: endpoints.redis(),
          MARKET_DATA_URLS: endpoints.marketData().join(','),
          SCANNER_URLS: endpoints.scanner().join(','),
          ANONYMOUS_READ: env.ANONYMOUS_READ ?? DEMO_ANONYMOUS_READ,
        },
        START_TIMEOUT_MS,
      );
      return { child: gateway.process, url: gateway.url, port: gateway.port, logs: gateway.logs };
    },
    async describe(instance) {
      const { checks } = await getJson(`${instance.url}/health`);
      const pods = checks['market-data:pods']?.[0];
      return `${pods?.observedValue} ${pods?.observedUnit}, redis ${checks['redis:connection']?.[0]?.observedValue}`;
    },
  };
}

/** The scanner's namespace, the same for the scanner and the pods that report its heartbeat. */
function scannerNamespace(env) {
  return env.SCANNER_NAMESPACE ?? SCANNER_CONFIG.defaults.SCANNER_NAMESPACE;
}

/**
 * The demo's services in start order. `endpoints` gives each block the URLs of those started
 * before it (they are known only once those run): `redis()`, `simulator()`, `marketData()` (every
 * pod's base URL), `scanner()` (every scanner replica's).
 */
function demoServices(env, endpoints) {
  return [
    redisBlock(env),
    simulatorBlock(env),
    marketDataBlock(env, endpoints),
    scannerBlock(env, endpoints),
    gatewayBlock(env, endpoints),
  ];
}

/** Resolves with the first capture of `pattern` in the child's stdout; rejects if it exits first. */
function firstMatch(child, pattern, what) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(
      () => fail(new Error(`${what} did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const onExit = (code, signal) => fail(new Error(`${what} exited (${signal ?? code}) before it served`));
    function fail(error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const match = pattern.exec(line);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(match[1]);
    });
  });
}

module.exports = { demoServices };
