/**
 * The market-data side of the scanner benchmark: a real RedisEngine under the pods' namespace,
 * elected leader, that stores candle history (`history`, a backfill append) and stores and
 * announces closes (`close`) exactly as a leader pod's candle writer does: the fenced
 * `appendClosed`, one series per call, one call after another.
 *
 * Used in the bench process, or as a child process (`node bench/lib/market-leader.js`, driven
 * over IPC) when the bench process is the scanner whose CPU is measured: then the leader's own
 * work is not counted as the scanner's.
 */
const { fork } = require('node:child_process');
const { RedisEngine } = require('../../packages/cluster/dist');

/** The leader's lease settings: it must win at once and never lose the lease during a run. */
const TIMINGS = { leaseMs: 5_000, renewMs: 1_000, renewDeadlineMs: 4_000, retryMs: 200 };
const ELECTED_WITHIN_MS = 5_000;

async function startMarketLeader(redisUrl, namespace) {
  const engine = await RedisEngine.create({
    instanceId: 'bench-market-leader',
    connection: { mode: 'standalone', url: redisUrl },
    namespace,
    timings: TIMINGS,
  });
  await engine.distribution.start();
  await engine.candles.start();
  await engine.election.start();
  const deadline = Date.now() + ELECTED_WITHIN_MS;
  while (engine.election.state().role !== 'leader') {
    if (Date.now() > deadline) throw new Error(`market leader not elected within ${ELECTED_WITHIN_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const append = async (candles, source) => {
    const first = candles[0];
    if (!first) return;
    await engine.candles.appendClosed({ symbol: first.symbol, interval: first.interval, candles, source });
  };
  return {
    engine,
    /** Stores and announces one closed candle. */
    close: (candle) => append([candle], 'close'),
    /** Stores one series' history (a backfill: not announced, not in the closes stream). */
    history: (candles) => append(candles, 'backfill'),
    async stop() {
      await engine.election.stop();
      await engine.candles.stop();
      await engine.distribution.stop();
      await engine.close();
    },
  };
}

/**
 * The leader in a child process. `history(seriesList)` stores every series' candles;
 * `closeAll(candles)` appends the closes one after another, as a pod's candle writer does at an
 * interval boundary, and resolves when the last is stored.
 */
async function forkMarketLeader(redisUrl, namespace) {
  const child = fork(__filename, [redisUrl, namespace], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 0;
  const pending = new Map();
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`market leader: ${message.error}`));
    else waiter.resolve(message.result);
  });
  child.on('exit', (code, signal) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`market leader exited (${code ?? signal})`));
    pending.clear();
  });
  const call = (op, payload) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, op, payload });
    });
  await call('ready');
  return {
    pid: child.pid,
    history: (seriesList) => call('history', seriesList),
    closeAll: (candles) => call('closeAll', candles),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call('stop').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Child side: one leader, operations answered in order of arrival. */
async function serveOverIpc(redisUrl, namespace) {
  const leader = await startMarketLeader(redisUrl, namespace);
  const operations = {
    ready: async () => undefined,
    history: async (seriesList) => {
      for (const candles of seriesList) await leader.history(candles);
    },
    closeAll: async (candles) => {
      for (const candle of candles) await leader.close(candle);
    },
    stop: async () => {
      await leader.stop();
      setImmediate(() => process.disconnect());
    },
  };
  let queue = Promise.resolve();
  process.on('message', ({ id, op, payload }) => {
    queue = queue.then(async () => {
      try {
        process.send({ id, result: await operations[op](payload) });
      } catch (error) {
        process.send({ id, error: error.message });
      }
    });
  });
  // The parent went away (or stop disconnected): nothing else will come.
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) {
  serveOverIpc(process.argv[2], process.argv[3]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { startMarketLeader, forkMarketLeader };
