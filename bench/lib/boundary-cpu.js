/**
 * Part 1 of bench/scanner.js: the active scanner's CPU at an interval boundary, when one close of
 * every watched series arrives (at the top of an hour the 1m, 5m and 1h candles all close).
 *
 * The catalog is written once through the CatalogStore. Each round then uses a fresh market-data
 * namespace: a leader (a child process, so its work is not counted as the scanner's) stores
 * HISTORY_CANDLES per watched series; an Evaluator in this process loads every series (a scan:
 * what a replica does when it becomes active); the leader stores one close per series, all
 * closing at the round's boundary; the measured window runs from there to the last signal stored.
 * Rounds alternate between the two ways the evaluator meets closes: `scan` (stored first, then one
 * scan evaluates them all) and `events` (the evaluator follows close announcements while the
 * leader stores the closes one after another, as a pod's candle writer does).
 */
const Redis = require('ioredis');
const { CANDLE_INTERVAL_MS } = require('../../packages/core/dist');
const { compareEvaluationCores } = require('./evaluation-core');
const { startInProcessScanner } = require('./in-process-scanner');
const { forkMarketLeader } = require('./market-leader');
const { procStats, startCpuWindow } = require('./processes');
const { deleteNamespace, freshNamespace, redisPid } = require('./redis-namespace');
const { buildWorkload, seededRandom, seriesCandles } = require('./scanner-workload');
const { gc, liveMemory, startProfile } = require('./self-probes');
const { markdownTable, ratio } = require('./table');

/** Closed candles stored per series: more than the longest look-back of the mix (SMA 200, plus one). */
const HISTORY_CANDLES = 210;
/** Series handed to the leader child per message while it stores history. */
const HISTORY_CHUNK_SERIES = 50;
const HOUR_MS = 3_600_000;
/**
 * The evaluator's clock stands this long after the round's boundary: every series' newest
 * candle is then the newest the clock allows, as at a real boundary, so the scan pass (the
 * safety net for lost announcements) finds nothing to catch up.
 */
const CLOCK_AFTER_BOUNDARY_MS = 1_000;

const cpuMs = (usage) => (usage.user + usage.system) / 1_000;

/** Counts evaluations as the evaluator reports them to its metrics; `reached(n)` resolves at n. */
function evaluationCounter(metrics) {
  const counter = metrics.evaluations;
  const increment = counter.inc.bind(counter);
  let count = 0;
  let waiter;
  counter.inc = (value = 1) => {
    increment(value);
    count += value;
    if (waiter && count >= waiter.target) waiter.resolve();
  };
  return {
    count: () => count,
    reached: (target) =>
      count >= target ? Promise.resolve() : new Promise((resolve) => (waiter = { target, resolve })),
  };
}

async function signalOutcomes(metrics) {
  const outcomes = { stored: 0, duplicate: 0, cooldown: 0 };
  for (const value of (await metrics.signals.get()).values) outcomes[value.labels.outcome] = value.value;
  return outcomes;
}

/** Per watched series: HISTORY_CANDLES of history and the close that ends at `boundary`. */
function roundCandles(watched, boundary, seed) {
  return watched.map((series, i) => {
    const intervalMs = CANDLE_INTERVAL_MS[series.interval];
    const candles = seriesCandles({
      symbol: series.symbol,
      interval: series.interval,
      lastOpenTime: boundary - intervalMs,
      count: HISTORY_CANDLES,
      seed: seed + i,
    });
    return { series, history: candles.slice(0, -1), close: candles.at(-1) };
  });
}

async function boundaryRound({ scanner, options, round, mode, redisPidValue, counter }) {
  const { redisUrl, rounds, seed, profileDir } = options;
  const marketNamespace = freshNamespace('bmd');
  // Each round at its own top of the hour, the last one the latest past: signal ids stay distinct.
  const boundary = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (rounds - 1 - round) * HOUR_MS;
  const watched = [...(await scanner.index.current()).values()];
  const data = roundCandles(watched, boundary, seed * 1_000_003 + round * 10_007);
  const expectedEvaluations = watched.reduce((sum, series) => sum + series.strategies.length, 0);
  const leader = await forkMarketLeader(redisUrl, marketNamespace);
  let opened;
  try {
    const historyStart = performance.now();
    for (let i = 0; i < data.length; i += HISTORY_CHUNK_SERIES) {
      await leader.history(data.slice(i, i + HISTORY_CHUNK_SERIES).map((d) => d.history));
    }
    const historySeconds = (performance.now() - historyStart) / 1000;
    opened = await scanner.openEvaluator({
      marketNamespace,
      evaluateFrom: 0,
      now: () => boundary + CLOCK_AFTER_BOUNDARY_MS,
    });
    const { evaluator, book } = opened;

    const memoryBefore = liveMemory();
    const loadCpu = process.cpuUsage();
    const loadStart = performance.now();
    await evaluator.scan();
    const load = { cpuMs: cpuMs(process.cpuUsage(loadCpu)), wallMs: performance.now() - loadStart };
    const memoryAfter = liveMemory();
    if (book.size() !== watched.length) throw new Error(`loaded ${book.size()} of ${watched.length} series`);

    const evaluationsBefore = counter.count();
    const signalsBefore = await signalOutcomes(scanner.metrics);
    const known = [process.pid, leader.pid, redisPidValue];
    const closes = data.map((d) => d.close);
    gc();
    const stopProfile = await startProfile(profileDir);
    let finish;
    let cpu;
    let leaderCpuBefore;
    if (mode === 'scan') {
      await leader.closeAll(closes);
      leaderCpuBefore = procStats([leader.pid]).cpuSeconds;
      finish = startCpuWindow(known);
      cpu = process.cpuUsage();
      await evaluator.scan();
    } else {
      await evaluator.start();
      leaderCpuBefore = procStats([leader.pid]).cpuSeconds;
      finish = startCpuWindow(known);
      cpu = process.cpuUsage();
      const stored = leader.closeAll(closes);
      await counter.reached(evaluationsBefore + expectedEvaluations);
      // Resolves once the evaluation under way, its signals included, is over.
      await evaluator.stop();
      await stored;
    }
    const usage = process.cpuUsage(cpu);
    const window = finish();
    const leaderCpuMs = (procStats([leader.pid]).cpuSeconds - leaderCpuBefore) * 1000;
    await stopProfile(`round-${round}-${mode}`);
    const evaluations = counter.count() - evaluationsBefore;
    if (evaluations !== expectedEvaluations)
      throw new Error(`round ${round}: ${evaluations} evaluations, expected ${expectedEvaluations}`);
    const signalsAfter = await signalOutcomes(scanner.metrics);
    return {
      round,
      mode,
      boundary: new Date(boundary).toISOString(),
      series: watched.length,
      evaluations,
      signals: Object.fromEntries(
        Object.keys(signalsAfter).map((outcome) => [outcome, signalsAfter[outcome] - signalsBefore[outcome]]),
      ),
      cpuMs: cpuMs(usage),
      userMs: usage.user / 1000,
      systemMs: usage.system / 1000,
      wallMs: window.elapsedSeconds * 1000,
      otherCpuPercent: window.otherCpuPercent,
      otherThreads: window.otherThreads,
      leaderCpuMs,
      redisCpuMs: window.knownCpuSeconds * 1000 - cpuMs(usage) - leaderCpuMs,
      historySeconds,
      load,
      heldHeapMb: (memoryAfter.heapUsed - memoryBefore.heapUsed) / 1e6,
      heldRssMb: (memoryAfter.rss - memoryBefore.rss) / 1e6,
      heapUsedMb: memoryAfter.heapUsed / 1e6,
      rssMb: memoryAfter.rss / 1e6,
      core: compareEvaluationCores(data, known),
    };
  } finally {
    await opened?.close();
    await leader.stop();
    const redis = new Redis(redisUrl);
    await deleteNamespace(redis, marketNamespace).finally(() => redis.disconnect());
  }
}

/**
 * @param options `{ redis, redisUrl, owners, symbolsPerOwner, strategiesPerOwner, universe, rounds, seed, profileDir }`
 * @returns one result per round
 */
async function measureBoundaries(options) {
  const { redis, redisUrl, seed } = options;
  const namespace = freshNamespace('bsc');
  const redisPidValue = await redisPid(redis);
  const scanner = await startInProcessScanner({ redisUrl, namespace });
  try {
    const owners = buildWorkload({ ...options, seed });
    const catalogStart = performance.now();
    await scanner.writeOwners(owners, seededRandom(seed + 7));
    const watched = [...(await scanner.index.current()).values()];
    const pairs = watched.reduce((sum, series) => sum + series.strategies.length, 0);
    const byInterval = {};
    for (const series of watched) byInterval[series.interval] = (byInterval[series.interval] ?? 0) + 1;
    console.log(
      `catalog: ${owners.length} owners, ${pairs} (strategy, symbol) pairs over ${watched.length} series ` +
        `(${Object.entries(byInterval)
          .map(([interval, n]) => `${n} x ${interval}`)
          .join(', ')}; ${new Set(watched.map((s) => s.symbol)).size} symbols), written in ` +
        `${((performance.now() - catalogStart) / 1000).toFixed(1)} s`,
    );
    const counter = evaluationCounter(scanner.metrics);
    const results = [];
    for (let round = 0; round < options.rounds; round++) {
      const mode = round % 2 === 0 ? 'scan' : 'events';
      const result = await boundaryRound({ scanner, options, round, mode, redisPidValue, counter });
      results.push(result);
      console.log(
        `round ${round} (${mode}): ${result.evaluations} evaluations, CPU ${result.cpuMs.toFixed(0)} ms, ` +
          `wall ${result.wallMs.toFixed(0)} ms, other CPU ${result.otherCpuPercent.toFixed(0)} %` +
          `${result.otherThreads ? ` (${result.otherThreads})` : ''}; history stored in ${result.historySeconds.toFixed(1)} s`,
      );
    }
    return results;
  } finally {
    await scanner.stop();
    const deleted = await deleteNamespace(redis, namespace);
    console.log(`deleted ${deleted} keys of ${namespace}`);
  }
}

/** The rounds as markdown tables: the boundary's cost, the baseline, the memory. */
function boundaryTables(rounds) {
  const boundary = markdownTable(
    rounds.map((r) => ({
      round: r.round,
      mode: r.mode,
      series: r.series,
      evaluations: r.evaluations,
      'signals stored': r.signals.stored,
      'scanner CPU ms': r.cpuMs,
      'user / sys ms': `${r.userMs.toFixed(0)} / ${r.systemMs.toFixed(0)}`,
      'wall ms': r.wallMs,
      'µs CPU per evaluation': (r.cpuMs * 1000) / r.evaluations,
      'redis CPU ms': r.redisCpuMs,
      'leader CPU ms': r.leaderCpuMs,
      'other CPU %': r.otherCpuPercent,
      'busiest others': r.otherThreads,
    })),
  );
  const baseline = markdownTable(
    rounds.map((r) => {
      const { incremental, recomputed } = r.core;
      const estimated = r.cpuMs - incremental.cpuMs + recomputed.cpuMs;
      return {
        round: r.round,
        'incremental CPU ms': incremental.cpuMs,
        'recomputed CPU ms': recomputed.cpuMs,
        'recomputed / incremental': ratio(recomputed.cpuMs, incremental.cpuMs),
        'strategies met: incremental, recomputed': `${incremental.met}, ${recomputed.met}`,
        'boundary with recomputation, est. ms': estimated,
        'est. / measured': ratio(estimated, r.cpuMs),
        'other CPU %: incremental, recomputed': `${incremental.otherCpuPercent.toFixed(1)}, ${recomputed.otherCpuPercent.toFixed(1)}`,
      };
    }),
  );
  const memory = markdownTable(
    rounds.map((r) => ({
      round: r.round,
      series: r.series,
      'heap held MB': r.heldHeapMb,
      'KB per series': (r.heldHeapMb * 1000) / r.series,
      'RSS growth MB': r.heldRssMb,
      'process heap MB': r.heapUsedMb,
      'process RSS MB': r.rssMb,
      'load: CPU ms': r.load.cpuMs,
      'load: wall ms': r.load.wallMs,
    })),
  );
  return [
    '### CPU of one boundary: one close of every watched series',
    boundary,
    '### Baseline: incremental against recomputed indicators (same data, in memory, same round)',
    baseline,
    '### Memory the loaded series hold (after full GCs)',
    memory,
  ].join('\n\n');
}

module.exports = { measureBoundaries, boundaryTables };
