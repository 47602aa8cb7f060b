#!/usr/bin/env node
/**
 * Scanner benchmark: what one interval boundary costs the active scanner, and how long a signal
 * takes from a candle close to the webhook's request. Real parts throughout: a real Redis (a fresh
 * namespace, deleted at the end), a market-data leader engine storing history and closes as a pod
 * does, the scanner's own built code, and the Discord-compatible webhook server of the tests.
 *
 *   pnpm build && pnpm bench:scanner [--part cpu,latency] [options]
 *
 * cpu      --owners 1000 x --symbols-per-owner 20 x --strategies-per-owner 3 = 60,000 (strategy,
 *          symbol) pairs, written through the CatalogStore; symbols drawn by popularity from 400
 *          USDT pairs (bench/lib/usdt-symbols.js); strategies from a mix of RSI, EMA/SMA crosses,
 *          volume spikes, % change and price conditions on 1m, 5m and 1h candles
 *          (bench/lib/scanner-workload.js). Each of --rounds rounds stores HISTORY_CANDLES of
 *          history per watched series in a fresh market-data namespace (a leader in a child
 *          process), loads the series into an Evaluator wired as the Scanner wires it (this
 *          process: StrategyIndex, SeriesBook, SignalEmitter over the real SignalLog and
 *          DeliveryQueue, the scanner's election held), then has the leader store one close per
 *          watched series, all closing at the top of an hour: one close of every series,
 *          60,000 evaluations. Rounds alternate between the two ways the evaluator meets them:
 *          `scan` (the closes are stored, then one scan evaluates them all) and `events` (the
 *          evaluator follows close announcements while the leader stores the closes one after
 *          another, as a pod's candle writer does). Measured: this process's CPU (process.cpuUsage)
 *          and wall time from the first close to the last signal stored; the heap and RSS the
 *          loaded series hold (after full GCs). Baseline, same round, same data, in memory:
 *          every series' indicators recomputed from scratch over the held history for the new
 *          close (what a non-incremental scanner does), against the incremental update the
 *          SeriesBook does; both then evaluate every strategy with the scanner's `evaluate`.
 * latency  the built scanner process (services/scanner/dist/main.js), a leader in this process,
 *          the webhook server in this process; --webhooks strategies of one symbol each that fire
 *          on every close (price above 0), each with its own webhook. --samples closes, one at a
 *          time (the next after the previous request arrived, and a webhook used again only after
 *          its bucket window), so the queue is idle. Latency: from just before the leader's append
 *          to the webhook server's record of the request. Baseline, interleaved: the leader's
 *          append round trip (a symbol no strategy watches) plus a direct POST of a similar
 *          message from this process to the webhook server: the floor of the path.
 *
 * Options: --owners 1000 --symbols-per-owner 20 --strategies-per-owner 3 --universe 400 --rounds 4
 *   --samples 200 --webhooks 40 --seed 1 --profile DIR (a CPU profile of each measured boundary; the
 *   profiler slows what it measures: take the figures from a run without it).
 *   REDIS_URL (default redis://127.0.0.1:6379).
 * Every window reports the CPU the rest of the machine used meanwhile ("other CPU %").
 */
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const inspector = require('node:inspector/promises');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const v8 = require('node:v8');
const vm = require('node:vm');
const Redis = require('ioredis');
const { CANDLE_INTERVAL_MS } = require('../packages/core/dist');
const { createLogger, createMetricsRegistry } = require('../packages/observability/dist');
const { startDiscordWebhookServer, startScannerProcess } = require('../packages/testkit/dist');
const { loadConfig } = require('../services/scanner/dist/config');
const { DeliveryQueue, deliveryKeys } = require('../services/scanner/dist/delivery');
const { Evaluator } = require('../services/scanner/dist/evaluation/evaluator');
const { MarketData } = require('../services/scanner/dist/evaluation/market-data');
const { SeriesBook } = require('../services/scanner/dist/evaluation/series-book');
const { SignalEmitter } = require('../services/scanner/dist/evaluation/signal-emitter');
const { StrategyIndex } = require('../services/scanner/dist/evaluation/strategy-index');
const { createLeadership } = require('../services/scanner/dist/leadership-factory');
const { createScannerMetrics } = require('../services/scanner/dist/metrics');
const { SignalLog } = require('../services/scanner/dist/signals/signal-log');
const { CatalogStore, ScannerScripts, scannerKeys } = require('../services/scanner/dist/store');
const {
  CandleSeries,
  candlesNeeded,
  evaluate,
  indicatorsOf,
  parseStrategyDocument,
} = require('../services/scanner/dist/strategy');
const { forkMarketLeader, startMarketLeader } = require('./lib/market-leader');
const { procStats, startCpuWindow } = require('./lib/processes');
const { buildWorkload, seededRandom, seriesCandles } = require('./lib/scanner-workload');
const { markdownTable, ratio } = require('./lib/table');
const { USDT_SYMBOLS } = require('./lib/usdt-symbols');

/** Closed candles stored per series: more than the longest look-back of the mix (SMA 200 + 1). */
const HISTORY_CANDLES = 210;
/** Series handed to the leader child per IPC message while storing history. */
const HISTORY_CHUNK_SERIES = 50;
/** The latency part's candle interval (its strategies fire on every close). */
const LATENCY_INTERVAL = '1m';
/** Longest wait for one webhook request before the sample counts as lost (ms). */
const SAMPLE_TIMEOUT_MS = 5_000;
/** Discord's bucket window of the webhook server (ms): a webhook is used at most once per window. */
const BUCKET_WINDOW_MS = 2_000;
/** Pause between samples, at random up to this (ms): closes do not come in lockstep with deliveries. */
const MAX_SAMPLE_GAP_MS = 30;
const HOUR_MS = 3_600_000;
/** Where the part-1 destinations point: never contacted (no delivery worker runs there). */
const UNUSED_WEBHOOK_ORIGIN = 'http://127.0.0.1:9';

const args = parseArgs(process.argv.slice(2));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PARTS = (args.part ?? 'cpu,latency').split(',');
const OWNERS = Number(args.owners ?? 1_000);
const SYMBOLS_PER_OWNER = Number(args['symbols-per-owner'] ?? 20);
const STRATEGIES_PER_OWNER = Number(args['strategies-per-owner'] ?? 3);
const UNIVERSE = USDT_SYMBOLS.slice(0, Number(args.universe ?? 400));
const ROUNDS = Number(args.rounds ?? 4);
const SAMPLES = Number(args.samples ?? 200);
const WEBHOOKS = Number(args.webhooks ?? 40);
const SEED = Number(args.seed ?? 1);
/** A folder: each measured boundary's CPU profile is written there (round-<n>-<mode>.cpuprofile). */
const PROFILE_DIR = args.profile;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const logger = createLogger({ level: 'silent', service: 'bench-scanner' });
/** Full garbage collections without --expose-gc on the command line. */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

function parseArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].replace(/^--/, '').split('=');
    parsed[key] = inline ?? argv[++i];
  }
  return parsed;
}

function machine() {
  const run = (command) => execSync(command, { encoding: 'utf8' }).trim();
  return [
    `command: node bench/scanner.js ${process.argv.slice(2).join(' ')}`.trim(),
    `date: ${new Date().toISOString()}`,
    `node: ${process.version}`,
    `nproc: ${run('nproc')}`,
    run('lscpu | head'),
  ].join('\n');
}

/** The redis-server's pid (its CPU is part of the path, not of "other"). */
async function redisPid(redis) {
  const info = await redis.info('server');
  return Number(/process_id:(\d+)/.exec(info)?.[1]);
}

/** Deletes every key of a namespace (keys carry the hash tag `{<namespace>}`). */
async function deleteNamespace(redis, namespace) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*{${namespace}}*`, 'COUNT', 1_000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

const freshNamespace = (prefix) => `${prefix}${randomUUID().slice(0, 8)}`;
const cpuMs = (usage) => (usage.user + usage.system) / 1_000;

/** Heap used and RSS after two full collections (the second frees what the first's finalizers released). */
function liveMemory() {
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

/** Profiles the window between the call and `stop(name)` when --profile is given; otherwise does nothing. */
async function startProfile() {
  if (!PROFILE_DIR) return async () => undefined;
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    fs.mkdirSync(PROFILE_DIR, { recursive: true });
    fs.writeFileSync(path.join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
  };
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) };
}

// Part 1: the CPU of one interval boundary

/** The scanner's side of part 1: its election held, its stores and the catalog, as the Scanner builds them. */
async function startScannerSide(scannerNamespace) {
  const config = loadConfig({
    REDIS_URL,
    SCANNER_NAMESPACE: scannerNamespace,
    INSTANCE_ID: 'bench-scanner',
    WEBHOOK_HOST_ALLOWLIST: UNUSED_WEBHOOK_ORIGIN,
  });
  const leadership = await createLeadership(config, logger);
  await leadership.election.start();
  for (const deadline = Date.now() + 5_000; leadership.election.state().role !== 'leader'; await sleep(10)) {
    if (Date.now() > deadline) throw new Error('the bench scanner was not elected');
  }
  const keys = scannerKeys(scannerNamespace);
  const scripts = new ScannerScripts(leadership.commands, keys);
  const catalog = new CatalogStore({
    client: leadership.commands,
    keys,
    scripts,
    webhookHosts: config.WEBHOOK_HOST_ALLOWLIST,
  });
  const signals = new SignalLog({
    client: leadership.commands,
    keys,
    scripts,
    fence: () => leadership.election.fence(),
  });
  const queue = new DeliveryQueue(leadership.commands, deliveryKeys(scannerNamespace));
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const metrics = createScannerMetrics(registry, {
    scanIntervalMs: config.SCAN_INTERVAL_MS,
    heartbeat: () => ({ state: 'unknown' }),
  });
  return {
    config,
    catalog,
    metrics,
    emitter: new SignalEmitter({ signals, queue, onQueued: () => undefined, metrics, logger }),
    index: new StrategyIndex(catalog),
    async stop() {
      await leadership.election.stop();
      await leadership.close();
    },
  };
}

/** Writes the workload through the CatalogStore: per owner a destination, a watchlist and its strategies. */
async function writeCatalog(catalog, workload) {
  const random = seededRandom(SEED + 7);
  const digits = (n) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  for (const entry of workload) {
    const owner = await catalog.createOwner(entry.name);
    const destination = await catalog.createDestination(owner.id, {
      kind: 'discord',
      name: 'alerts',
      url: `${UNUSED_WEBHOOK_ORIGIN}/api/webhooks/${digits(19)}/${digits(68)}`,
    });
    const watchlist = await catalog.createWatchlist(owner.id, { name: 'main', symbols: entry.symbols });
    for (const strategy of entry.strategies) {
      const parsed = parseStrategyDocument(strategy);
      if (!parsed.ok) throw new Error(`bad strategy ${strategy.name}: ${JSON.stringify(parsed.problems)}`);
      await catalog.createStrategy(owner.id, {
        watchlistId: watchlist.id,
        document: parsed.value,
        enabled: true,
        destinationIds: [destination.id],
      });
    }
  }
}

/** Counts evaluations as the evaluator reports them; resolves `reached(n)` when the count gets there. */
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

/** The round's candles: per watched series, HISTORY_CANDLES of history and the close that ends at `boundary`. */
function roundCandles(watched, boundary, round) {
  return watched.map((series, i) => {
    const intervalMs = CANDLE_INTERVAL_MS[series.interval];
    const candles = seriesCandles({
      symbol: series.symbol,
      interval: series.interval,
      lastOpenTime: boundary - intervalMs,
      count: HISTORY_CANDLES,
      seed: SEED * 1_000_003 + round * 10_007 + i,
    });
    return { series, history: candles.slice(0, -1), close: candles.at(-1) };
  });
}

/** Closed candles a series holds: what its strategies read (the SeriesBook's capacity). */
const capacityOf = (series) => Math.max(...series.strategies.map((s) => candlesNeeded(s.document.when)));

function trackAll(candleSeries, series) {
  for (const strategy of series.strategies)
    for (const spec of indicatorsOf(strategy.document.when)) candleSeries.track(spec, false);
}

function evaluateAll(candleSeries, series) {
  const view = candleSeries.view(false);
  let met = 0;
  for (const strategy of series.strategies) if (evaluate(strategy.document.when, view).met) met++;
  return met;
}

/**
 * The evaluation core in memory, two ways over the same data: incremental (the series loaded
 * beforehand, the close added: one `add` per indicator) and from scratch (a fresh series fed the
 * whole held history for the close). Both evaluate every strategy.
 */
function evaluationCore(data, knownPids) {
  const prepared = data.map(({ series, history, close }) => {
    const capacity = capacityOf(series);
    const loaded = new CandleSeries(capacity);
    trackAll(loaded, series);
    for (const candle of history.slice(-capacity)) loaded.addClosed(candle);
    return { series, close, capacity, held: [...history.slice(-(capacity - 1)), close], loaded };
  });
  const measure = (work) => {
    gc();
    const finish = startCpuWindow(knownPids);
    const cpu = process.cpuUsage();
    const met = work();
    const usage = process.cpuUsage(cpu);
    return { cpuMs: cpuMs(usage), met, ...finish() };
  };
  const incremental = measure(() => {
    let met = 0;
    for (const { series, close, loaded } of prepared) {
      loaded.addClosed(close);
      met += evaluateAll(loaded, series);
    }
    return met;
  });
  const recomputed = measure(() => {
    let met = 0;
    for (const { series, capacity, held } of prepared) {
      const fresh = new CandleSeries(capacity);
      trackAll(fresh, series);
      for (const candle of held) fresh.addClosed(candle);
      met += evaluateAll(fresh, series);
    }
    return met;
  });
  return { incremental, recomputed };
}

async function scanRound({ side, round, mode, redisPidValue, counter }) {
  const marketNamespace = freshNamespace('bmd');
  const boundary = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (ROUNDS - 1 - round) * HOUR_MS;
  const watched = [...(await side.index.current()).values()];
  const data = roundCandles(watched, boundary, round);
  const expectedEvaluations = watched.reduce((sum, series) => sum + series.strategies.length, 0);
  const leader = await forkMarketLeader(REDIS_URL, marketNamespace);
  let market;
  try {
    const historyStart = performance.now();
    for (let i = 0; i < data.length; i += HISTORY_CHUNK_SERIES) {
      await leader.history(data.slice(i, i + HISTORY_CHUNK_SERIES).map((d) => d.history));
    }
    const historySeconds = (performance.now() - historyStart) / 1000;
    market = await MarketData.open({ ...side.config, MARKET_DATA_NAMESPACE: marketNamespace }, logger);
    await market.start();
    // The clock stands one second after the boundary: every series' newest candle is then the
    // newest the clock allows, as at a real boundary, and the scan pass finds nothing to catch up.
    const now = () => boundary + 1_000;
    const book = new SeriesBook({ candles: market.candles, now });
    const evaluator = new Evaluator({
      index: side.index,
      book,
      source: market,
      emitter: side.emitter,
      concurrency: side.config.SCAN_CONCURRENCY,
      evaluateFrom: 0,
      onFenced: (reason) => {
        throw new Error(`the bench scanner was fenced: ${reason}`);
      },
      metrics: side.metrics,
      logger,
      now,
    });

    const memoryBefore = liveMemory();
    const loadCpu = process.cpuUsage();
    const loadStart = performance.now();
    await evaluator.scan();
    const load = { cpuMs: cpuMs(process.cpuUsage(loadCpu)), wallMs: performance.now() - loadStart };
    const memoryAfter = liveMemory();
    if (book.size() !== watched.length) throw new Error(`loaded ${book.size()} of ${watched.length} series`);

    const evaluationsBefore = counter.count();
    const signalsBefore = await signalOutcomes(side.metrics);
    const known = [process.pid, leader.pid, redisPidValue];
    gc();
    const stopProfile = await startProfile();
    let finish;
    let cpu;
    let leaderCpuBefore;
    if (mode === 'scan') {
      await leader.closeAll(data.map((d) => d.close));
      leaderCpuBefore = procStats([leader.pid]).cpuSeconds;
      finish = startCpuWindow(known);
      cpu = process.cpuUsage();
      await evaluator.scan();
    } else {
      await evaluator.start();
      leaderCpuBefore = procStats([leader.pid]).cpuSeconds;
      finish = startCpuWindow(known);
      cpu = process.cpuUsage();
      const stored = leader.closeAll(data.map((d) => d.close));
      await counter.reached(evaluationsBefore + expectedEvaluations);
      // Resolves once the evaluation under way (its signals included) is over.
      await evaluator.stop();
      await stored;
    }
    const usage = process.cpuUsage(cpu);
    const window = finish();
    await stopProfile(`round-${round}-${mode}`);
    const leaderCpuMs = (procStats([leader.pid]).cpuSeconds - leaderCpuBefore) * 1000;
    await evaluator.stop();
    const evaluations = counter.count() - evaluationsBefore;
    const signalsAfter = await signalOutcomes(side.metrics);
    const signals = Object.fromEntries(
      Object.keys(signalsAfter).map((outcome) => [outcome, signalsAfter[outcome] - signalsBefore[outcome]]),
    );
    const core = evaluationCore(data, known);
    return {
      round,
      mode,
      boundary: new Date(boundary).toISOString(),
      series: watched.length,
      evaluations,
      expectedEvaluations,
      signals,
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
      core,
    };
  } finally {
    await market?.stop();
    await leader.stop();
    const redis = new Redis(REDIS_URL);
    await deleteNamespace(redis, marketNamespace).finally(() => redis.disconnect());
  }
}

async function scanCpu(redis) {
  const scannerNamespace = freshNamespace('bsc');
  const redisPidValue = await redisPid(redis);
  const side = await startScannerSide(scannerNamespace);
  try {
    const workload = buildWorkload({
      universe: UNIVERSE,
      owners: OWNERS,
      symbolsPerOwner: SYMBOLS_PER_OWNER,
      strategiesPerOwner: STRATEGIES_PER_OWNER,
      seed: SEED,
    });
    const catalogStart = performance.now();
    await writeCatalog(side.catalog, workload);
    const watched = [...(await side.index.current()).values()];
    const pairs = watched.reduce((sum, series) => sum + series.strategies.length, 0);
    const byInterval = {};
    for (const series of watched) byInterval[series.interval] = (byInterval[series.interval] ?? 0) + 1;
    console.log(
      `catalog: ${OWNERS} owners, ${pairs} (strategy, symbol) pairs over ${watched.length} series ` +
        `(${Object.entries(byInterval)
          .map(([interval, n]) => `${n} x ${interval}`)
          .join(', ')}; ${new Set(watched.map((s) => s.symbol)).size} symbols), written in ` +
        `${((performance.now() - catalogStart) / 1000).toFixed(1)} s`,
    );
    const counter = evaluationCounter(side.metrics);
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const mode = round % 2 === 0 ? 'scan' : 'events';
      const result = await scanRound({ side, round, mode, redisPidValue, counter });
      rounds.push(result);
      console.log(
        `round ${round} (${mode}): ${result.evaluations} evaluations, CPU ${result.cpuMs.toFixed(0)} ms, ` +
          `wall ${result.wallMs.toFixed(0)} ms, other CPU ${result.otherCpuPercent.toFixed(0)} %` +
          `${result.otherThreads ? ` (${result.otherThreads})` : ''}; history stored in ${result.historySeconds.toFixed(1)} s`,
      );
    }
    report(rounds);
    return rounds;
  } finally {
    await side.stop();
    const deleted = await deleteNamespace(redis, scannerNamespace);
    console.log(`deleted ${deleted} keys of ${scannerNamespace}`);
  }
}

function report(rounds) {
  console.log('\n### CPU of one boundary: one close of every watched series\n');
  console.log(
    markdownTable(
      rounds.map((r) => ({
        round: r.round,
        mode: r.mode,
        series: r.series,
        evaluations: r.evaluations,
        'signals stored / cooldown / dup': `${r.signals.stored} / ${r.signals.cooldown} / ${r.signals.duplicate}`,
        'scanner CPU ms': r.cpuMs,
        'user / sys ms': `${r.userMs.toFixed(0)} / ${r.systemMs.toFixed(0)}`,
        'wall ms': r.wallMs,
        'µs CPU per evaluation': (r.cpuMs * 1000) / r.evaluations,
        'redis CPU ms': r.redisCpuMs,
        'leader CPU ms': r.leaderCpuMs,
        'other CPU %': r.otherCpuPercent,
        'busiest others': r.otherThreads,
      })),
    ),
  );
  console.log('\n### Incremental against recomputed indicators (same data, in memory, same round)\n');
  console.log(
    markdownTable(
      rounds.map((r) => {
        const { incremental, recomputed } = r.core;
        return {
          round: r.round,
          'incremental CPU ms': incremental.cpuMs,
          'recomputed CPU ms': recomputed.cpuMs,
          'recomputed / incremental': ratio(recomputed.cpuMs, incremental.cpuMs),
          'strategies met: incremental, recomputed': `${incremental.met}, ${recomputed.met}`,
          'scan with recomputation, est. ms': r.cpuMs - incremental.cpuMs + recomputed.cpuMs,
          'est. / measured scan': ratio(r.cpuMs - incremental.cpuMs + recomputed.cpuMs, r.cpuMs),
          'other CPU % (inc, rec)': `${incremental.otherCpuPercent.toFixed(1)}, ${recomputed.otherCpuPercent.toFixed(1)}`,
        };
      }),
    ),
  );
  console.log('\n### Memory the loaded series hold (after full GCs)\n');
  console.log(
    markdownTable(
      rounds.map((r) => ({
        round: r.round,
        series: r.series,
        'heap held MB': r.heldHeapMb,
        'KB per series': (r.heldHeapMb * 1000) / r.series,
        'RSS growth MB': r.heldRssMb,
        'process heap used MB': r.heapUsedMb,
        'process RSS MB': r.rssMb,
        'load: CPU ms': r.load.cpuMs,
        'load: wall ms': r.load.wallMs,
      })),
    ),
  );
}

// Part 2: candle close -> webhook request, idle queue

async function api(scanner, method, path, body, owner) {
  const response = await fetch(`${scanner.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(owner ? { 'x-owner-id': owner } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  if (response.status !== 201)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function activeScanner(scanner) {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(50)) {
    const report = await fetch(`${scanner.url}/health`, { signal: AbortSignal.timeout(1_000) })
      .then((res) => res.json())
      .catch(() => undefined);
    if (report?.checks?.['scanner:election']?.[0]?.observedValue === 'active') return;
  }
  throw new Error('the scanner did not become active');
}

/** The webhook server's record of the request after the first `seen`, once there is one. */
async function nextRequest(webhooks, webhookId, seen, timeoutMs) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(1)) {
    const record = webhooks.requests(webhookId)[seen];
    if (record) return record;
  }
  return undefined;
}

/** A closed 1m candle of `symbol` at `openTime`. */
function minuteCandle(symbol, openTime, close) {
  return {
    symbol,
    interval: LATENCY_INTERVAL,
    openTime,
    closeTime: openTime + CANDLE_INTERVAL_MS[LATENCY_INTERVAL] - 1,
    open: close,
    high: close,
    low: close,
    close,
    volume: '12.5',
    ticks: 42,
  };
}

async function closeToWebhook(redis) {
  const scannerNamespace = freshNamespace('bsl');
  const marketNamespace = freshNamespace('bml');
  const intervalMs = CANDLE_INTERVAL_MS[LATENCY_INTERVAL];
  const webhooks = await startDiscordWebhookServer({ bucketWindowMs: BUCKET_WINDOW_MS });
  const leader = await startMarketLeader(REDIS_URL, marketNamespace);
  let scanner;
  try {
    scanner = await startScannerProcess({
      REDIS_URL,
      SCANNER_NAMESPACE: scannerNamespace,
      MARKET_DATA_NAMESPACE: marketNamespace,
      WEBHOOK_HOST_ALLOWLIST: webhooks.origin,
      INSTANCE_ID: 'bench-latency',
    });
    await activeScanner(scanner);
    // Closes are in the past (history hours old), one minute apart per symbol.
    const firstOpen = Math.floor(Date.now() / intervalMs) * intervalMs - 600 * intervalMs;
    const targets = [];
    for (let i = 0; i < WEBHOOKS; i++) {
      const symbol = UNIVERSE[i];
      if (i % 10 === 0)
        targets.owner = (await api(scanner, 'POST', '/v1/owners', { name: `latency-${i}` })).id;
      const owner = targets.owner;
      const webhook = webhooks.createWebhook();
      const watchlist = await api(
        scanner,
        'POST',
        '/v1/watchlists',
        { name: symbol, symbols: [symbol] },
        owner,
      );
      const destination = await api(
        scanner,
        'POST',
        '/v1/destinations',
        { name: symbol, url: webhook.url },
        owner,
      );
      await api(
        scanner,
        'POST',
        '/v1/strategies',
        {
          watchlistId: watchlist.id,
          destinationIds: [destination.id],
          document: {
            name: `${symbol} any close`,
            interval: LATENCY_INTERVAL,
            cooldownMs: 0,
            when: { type: 'price', op: 'above', value: '0' },
          },
        },
        owner,
      );
      await leader.history(
        Array.from({ length: 5 }, (_, n) => minuteCandle(symbol, firstOpen + n * intervalMs, '100.5')),
      );
      targets.push({
        symbol,
        webhook,
        floorWebhook: webhooks.createWebhook(),
        nextOpen: firstOpen + 5 * intervalMs,
      });
    }
    const floorSymbol = 'BENCHFLOORUSDT';
    let floorOpen = firstOpen;
    const random = seededRandom(SEED + 11);
    const lastUse = new Map();
    const latencies = [];
    const floors = [];
    const statuses = {};
    let lost = 0;
    let message;
    const scannerPid = scanner.process.pid;
    let finish;
    let scannerCpuBefore;
    // The first close of each symbol loads its series in the scanner: a warm-up, not measured.
    for (let i = 0; i < WEBHOOKS + SAMPLES; i++) {
      const measured = i >= WEBHOOKS;
      if (i === WEBHOOKS) {
        scannerCpuBefore = procStats([scannerPid]).cpuSeconds;
        finish = startCpuWindow([process.pid, scannerPid, await redisPid(redis)]);
      }
      const target = targets[i % WEBHOOKS];
      const idleFor = BUCKET_WINDOW_MS - (Date.now() - (lastUse.get(target) ?? 0));
      if (idleFor > 0) await sleep(idleFor);
      const seen = webhooks.requests(target.webhook.id).length;
      const candle = minuteCandle(target.symbol, target.nextOpen, (100 + random()).toFixed(2));
      target.nextOpen += intervalMs;
      const startedAt = Date.now();
      await leader.close(candle);
      const record = await nextRequest(webhooks, target.webhook.id, seen, SAMPLE_TIMEOUT_MS);
      lastUse.set(target, Date.now());
      if (!record) {
        if (measured) lost++;
        continue;
      }
      statuses[record.status] = (statuses[record.status] ?? 0) + 1;
      message ??= webhooks.messages(target.webhook.id)[0];
      if (!measured) continue;
      latencies.push(record.at - startedAt);

      // The floor: the leader's append of a close no strategy watches, then a direct POST.
      const floorSeen = webhooks.requests(target.floorWebhook.id).length;
      const floorStartedAt = Date.now();
      await leader.close(minuteCandle(floorSymbol, floorOpen, '1.00'));
      floorOpen += intervalMs;
      await fetch(target.floorWebhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(SAMPLE_TIMEOUT_MS),
      });
      const floorRecord = await nextRequest(webhooks, target.floorWebhook.id, floorSeen, SAMPLE_TIMEOUT_MS);
      if (floorRecord) floors.push(floorRecord.at - floorStartedAt);
      await sleep(random() * MAX_SAMPLE_GAP_MS);
    }
    const window = finish();
    const scannerCpuSeconds = procStats([scannerPid]).cpuSeconds - scannerCpuBefore;
    const result = {
      latency: percentiles(latencies),
      floor: percentiles(floors),
      lost,
      statuses,
      seconds: window.elapsedSeconds,
      scannerCpuPercent: (scannerCpuSeconds / window.elapsedSeconds) * 100,
      otherCpuPercent: window.otherCpuPercent,
      otherThreads: window.otherThreads,
    };
    console.log('\n### Candle close -> webhook request, idle queue (ms)\n');
    console.log(
      markdownTable(
        [
          { path: 'close -> scanner -> webhook request', ...result.latency },
          { path: 'floor: leader append + direct POST', ...result.floor },
          {
            path: 'ratio',
            n: '',
            p50: ratio(result.latency.p50, result.floor.p50),
            p90: ratio(result.latency.p90, result.floor.p90),
            p99: ratio(result.latency.p99, result.floor.p99),
            max: ratio(result.latency.max, result.floor.max),
          },
        ].map((row) => ({ ...row })),
      ),
    );
    console.log(
      `\n${result.latency.n} samples over ${result.seconds.toFixed(1)} s, ${WEBHOOKS} webhooks; lost ${lost}; ` +
        `webhook answers ${JSON.stringify(statuses)}; scanner process CPU ${result.scannerCpuPercent.toFixed(1)} %; ` +
        `other CPU ${result.otherCpuPercent.toFixed(0)} %${result.otherThreads ? ` (${result.otherThreads})` : ''}`,
    );
    return result;
  } finally {
    if (scanner) {
      scanner.kill('SIGTERM');
      await scanner.exited(10_000).catch(() => undefined);
      await scanner.stop();
    }
    await leader.stop();
    await webhooks.close();
    let deleted = 0;
    for (const namespace of [scannerNamespace, marketNamespace])
      deleted += await deleteNamespace(redis, namespace);
    console.log(`deleted ${deleted} keys of ${scannerNamespace} and ${marketNamespace}`);
  }
}

async function main() {
  console.log(machine());
  const redis = new Redis(REDIS_URL);
  try {
    if (PARTS.includes('cpu')) await scanCpu(redis);
    if (PARTS.includes('latency')) await closeToWebhook(redis);
  } finally {
    redis.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
