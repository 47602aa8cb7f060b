#!/usr/bin/env node
/**
 * Fan-out benchmark (issue 5). One simulator feed, one load generator (raw sockets in worker
 * threads), and the same scenario run against each target in one invocation: a Tickwire pod,
 * the naive Node server (bench/naive-server.js) and nchan (when nginx and libnginx-mod-nchan are
 * installed; this script installs nothing and says how when they are missing).
 *
 *   pnpm build && pnpm bench:fanout [--scenario compare|slow|storm|soak] [options]
 *
 * Scenarios (compare takes 5-10 minutes at the defaults, the others about two):
 *   compare  every target: connect --clients, idle memory per connection (5 s and 30 s after
 *            connecting), then the trade rate stepped through --rates (messages/s over all
 *            symbols); per step delivered events/s, latency percentiles (exchange event time ->
 *            client), server CPU and RSS. Ends with one table of ratios: delivered events/s at
 *            p99 <= --p99-limit-ms, idle KB per connection.
 *   slow     pod: --non-readers (default 10 %) of the clients subscribe to every symbol; they read
 *            in a first run and never read in a second; the other clients' p99 in both, the
 *            pod's peak RSS, and stuck clients cut and counted.
 *   storm    pod: every client reset at once and reconnected within --storm-window-ms; time until
 *            all have their snapshot, refusals, and the pod's event-loop lag p99 during the storm.
 *   soak     pod: --clients at --rate for --seconds; RSS and heap sampled, and once a minute the
 *            live heap after two full GCs (bench/lib/memory-probe.js); slopes reported.
 *
 * Stream tokens: `--targets pod-redis,pod-token` runs the same compare on two pods with the Redis
 * engine (a Redis of their own, started here): streams open to anyone (direct, unauthenticated),
 * then every client with its own stream token (bench/lib/token-targets.js); the summary adds
 * token / direct ratios and the p99 each rate step added.
 *
 * Options: --clients 10000 --symbols 10 --targets pod,naive,nchan,pod-redis,pod-token --rates 30:250:10 (from:to:step,
 *   or a list 50,100,150) --warmup 2 --seconds 5 --workers 2 --nchan-workers 1 --p99-limit-ms 100
 *   --rate 100 --storm-window-ms 10000 --non-readers 0.1 --step-retries 2 --other-cpu-limit 20 --pod-env KEY=VALUE,KEY=VALUE
 *   --tcp-wmem-max BYTES (slow: 262144) --tcp-rmem-max BYTES
 *
 * Every target gets the same steps. A step during which the rest of the machine used more than
 * CONTAMINATED_OTHER_CPU_PERCENT of a core ("other CPU %") is measured again, up to
 * --step-retries times; if it stays contaminated it is marked so, never ends a sweep, and is left
 * out of the summary, which has two figures per target: the highest delivered rate among the
 * clean steps with p99 <= --p99-limit-ms (the issue's figure), and the highest clean step below
 * which every clean step passed ("sustained").
 *
 * Each client subscribes to one symbol (client i to symbol i mod --symbols), so each message
 * goes to clients/symbols subscribers: offered events/s = rate x clients / symbols. Latency is
 * measured on every event, from the exchange event time in its payload to its arrival.
 * Loopback only; every process started here is killed at the end.
 */
const { spawn } = require('node:child_process');
const os = require('node:os');
const { LoadGenerator } = require('./lib/load-generator');
const { startFeed, BENCH_SYMBOLS } = require('./lib/feed');
const { nchanAvailable } = require('./lib/nchan');
const {
  busiestForeignThreads,
  listenOverflows,
  machineBusySeconds,
  openFileLimit,
  procStats,
  killAll,
  threadCpuSeconds,
} = require('./lib/processes');
const { scrape, sample, shareAbove } = require('./lib/prom');
const { markdownTable, ratio } = require('./lib/table');
const { startNaive, startNchan, startPod } = require('./lib/targets');
const { tokenTargets } = require('./lib/token-targets');

/**
 * A pod's own histograms split its latency: the share of ticks that reached its hub later than
 * this after the exchange event, and of group flushes whose oldest event waited longer in the hub
 * (a bucket bound of both histograms, s).
 */
const LATE_SECONDS = 0.05;
/** Longest the slow scenario's non-readers get, once reading again, to reach their stream's close (ms). */
const RESUME_READ_MS = 15_000;
/** Connected clients settle this long before idle memory is read (ms). */
const IDLE_SETTLE_MS = 5_000;
/**
 * Idle memory is read a second time this long after connecting (ms). At 5 s a garbage-collected
 * server still holds the connect burst's garbage and heap growth (V8 returns it after some idle
 * seconds); the later figure is what idle connections keep. Both are reported, for every target.
 */
const SETTLED_IDLE_MS = 30_000;
/** A sweep stops at the first step this many times over the p99 limit: later steps only queue more. */
const OVERLOAD_P99_FACTOR = 4;
const OVERLOAD_DELIVERED_SHARE = 0.5;
/** Open files the generator needs beyond one per client (workers, pipes, the sim). */
const SPARE_FILES = 200;
const args = parseArgs(process.argv.slice(2));
/**
 * A window in which the rest of the machine used more CPU than this (% of one core) is
 * contaminated. `--other-cpu-limit` raises it on a machine that is never quiet (say so with the
 * figures): then only ratios between targets measured in the same run mean much.
 */
const CONTAMINATED_OTHER_CPU_PERCENT = Number(args['other-cpu-limit'] ?? 20);
const SCENARIO = args.scenario ?? 'compare';
const CLIENTS = Number(args.clients ?? 10_000);
const SYMBOLS = BENCH_SYMBOLS.slice(0, Number(args.symbols ?? 10));
const TARGETS = (args.targets ?? 'pod,naive,nchan').split(',');
const RATES = parseRates(args.rates ?? '30:250:10');
const STEP_RETRIES = Number(args['step-retries'] ?? 2);
const WARMUP_MS = Number(args.warmup ?? 2) * 1000;
const DEFAULT_SECONDS = { compare: 5, slow: 40, storm: 0, soak: 120 };
const MEASURE_MS = Number(args.seconds ?? DEFAULT_SECONDS[SCENARIO] ?? 5) * 1000;
/**
 * The slow scenario cuts stuck clients after 10 s (the pod's default is 30 s) so that filling
 * the socket buffers, going stuck and being cut all fit in one window.
 */
const SLOW_POD_ENV = { SSE_STUCK_CLIENT_MS: '10000' };
const WORKERS = Number(args.workers ?? 2);
const NCHAN_WORKERS = Number(args['nchan-workers'] ?? 1);
const P99_LIMIT_MS = Number(args['p99-limit-ms'] ?? 100);
const RATE = Number(args.rate ?? 100);
const STORM_WINDOW_MS = Number(args['storm-window-ms'] ?? 10_000);
const NON_READERS = Number(args['non-readers'] ?? 0.1);
/** After every client closed, the storm waits this long before they come back (ms). */
const STORM_SETTLE_MS = 2_000;
const POD_ENV = Object.fromEntries(
  (args['pod-env'] ?? '')
    .split(',')
    .filter(Boolean)
    // At the first '=' only: a value may hold one (NODE_OPTIONS=--cpu-prof-dir=/tmp).
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

/**
 * Kernel send-buffer cap (net.ipv4.tcp_wmem max, bytes) for the run, applied in a private network
 * namespace so the rest of the machine is untouched. The slow scenario needs it: with Debian's
 * 4 MiB default the kernel absorbs about 4 MiB per client that stops reading before the pod sees
 * any backpressure, which at a few KB/s per client takes minutes, not seconds.
 */
const TCP_WMEM_MAX = args['tcp-wmem-max'] ?? (SCENARIO === 'slow' ? '262144' : undefined);
/**
 * Receive-buffer cap (net.ipv4.tcp_rmem default and max, bytes), in the same namespace: it stands
 * for the clients' own machines. A client that stops reading fills its receive queue before the
 * pod's send buffer; on a VM whose write limit keeps the slow scenario at a few KB/s per client,
 * a new namespace's default (32 MiB max) let the kernel take 4 minutes of events without
 * backpressure.
 */
const TCP_RMEM_MAX = args['tcp-rmem-max'];
/** Debian's net.ipv4.tcp_wmem max, for a run that only caps the receive side. */
const DEFAULT_TCP_WMEM_MAX = '4194304';
const IN_NETNS = TCP_WMEM_MAX !== undefined || TCP_RMEM_MAX !== undefined;
/** Set in the re-executed process that already runs in the namespace. */
const NETNS_ENV = 'TICKWIRE_BENCH_NETNS';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs this script again in a private network namespace with the buffer caps; resolves with its exit code. */
function reexecInNetns() {
  const script =
    'ip link set lo up && sysctl -qw net.ipv4.tcp_wmem="4096 16384 $0" && ' +
    'if [ "$1" != - ]; then sysctl -qw net.ipv4.tcp_rmem="4096 $1 $1"; fi && shift && exec "$@"';
  const child = spawn(
    'unshare',
    [
      '-n',
      'sh',
      '-c',
      script,
      TCP_WMEM_MAX ?? DEFAULT_TCP_WMEM_MAX,
      TCP_RMEM_MAX ?? '-',
      process.execPath,
      ...process.argv.slice(1),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, [NETNS_ENV]: '1' },
    },
  );
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', (error) => {
      console.error(`cannot run in a network namespace (needs root, unshare and ip): ${error.message}`);
      resolve(1);
    });
  });
}

/** `from:to:step` (inclusive) or a comma-separated list, in messages/s. */
function parseRates(text) {
  const range = /^(\d+):(\d+):(\d+)$/.exec(text);
  if (!range) return text.split(',').map(Number);
  const [from, to, step] = range.slice(1).map(Number);
  const rates = [];
  for (let rate = from; rate <= to; rate += step) rates.push(rate);
  return rates;
}

const isClean = (step) => step.otherCpuPercent <= CONTAMINATED_OTHER_CPU_PERCENT;

/** `--name value` pairs; a flag without a value (`--pin`) is 'true'. */
function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    if (!argv[i].startsWith('--')) continue;
    const value = argv[i + 1];
    out[argv[i].slice(2)] = value === undefined || value.startsWith('--') ? 'true' : value;
  }
  return out;
}

/**
 * One spec per client; client i subscribes to symbol i mod symbols. With `wide` > 0 every n-th
 * client (n = 1 / wide) subscribes to every symbol instead and is load only, not measured; it
 * reads unless `wideRead` is false. A wide client gets ten times the bytes of the others, so one
 * that stops reading fills the kernel's socket buffers within seconds, not minutes.
 */
function specsFor(target, { wide = 0, wideRead = true } = {}) {
  const everyNth = wide > 0 ? Math.round(1 / wide) : 0;
  return Array.from({ length: CLIENTS }, (_, i) => {
    const isWide = everyNth > 0 && i % everyNth === everyNth - 1;
    return {
      host: '127.0.0.1',
      port: target.port,
      path: target.pathFor(isWide ? SYMBOLS.join(',') : SYMBOLS[i % SYMBOLS.length], i),
      snapshotMarker: target.snapshotMarker,
      reading: !isWide || wideRead,
      measured: !isWide,
    };
  });
}

const tokens = tokenTargets();

async function startTarget(name, feed) {
  if (name === 'pod') return startPod(feed, { clients: CLIENTS, env: POD_ENV });
  if (tokens.names.includes(name)) return tokens.start(name, feed, { clients: CLIENTS, env: POD_ENV });
  if (name === 'naive') return startNaive(feed);
  if (name === 'nchan') return startNchan(feed, { clients: CLIENTS, workers: NCHAN_WORKERS });
  throw new Error(`unknown target ${name}`);
}

/** One measurement window at the current rate: what clients received and what the server spent. */
async function measure(target, load, ms, offeredPerSecond, feed) {
  await load.reset();
  const known = [...target.pids, feed.pid, process.pid, ...(target.bridgePid ? [target.bridgePid] : [])];
  const knownBefore = procStats(known);
  const threadsBefore = threadCpuSeconds();
  const machineBefore = machineBusySeconds();
  const before = procStats(target.pids);
  const bridgeBefore = target.bridgePid ? procStats([target.bridgePid]) : undefined;
  const generatorBefore = process.cpuUsage();
  const metricsBefore = target.metricsUrl ? await scrape(target.metricsUrl) : undefined;
  const t0 = performance.now();
  await sleep(ms);
  const elapsed = (performance.now() - t0) / 1000;
  const read = await load.read();
  const metricsAfter = metricsBefore === undefined ? undefined : await scrape(target.metricsUrl);
  // Where a pod's latency is spent: before its hub (exchange -> hub), or queued in the hub.
  const podShareAbove = (name) =>
    metricsAfter === undefined ? undefined : shareAbove(metricsBefore, metricsAfter, name, LATE_SECONDS);
  const after = procStats(target.pids);
  const generator = process.cpuUsage(generatorBefore);
  const foreign =
    machineBusySeconds() - machineBefore - (procStats(known).cpuSeconds - knownBefore.cpuSeconds);
  return {
    /** CPU the rest of the machine used meanwhile (other work, kernel threads): noise in the figures. */
    otherCpuPercent: (Math.max(0, foreign) / elapsed) * 100,
    /** Who used it: the busiest threads outside the run ("name pct%"). */
    otherThreads: busiestForeignThreads(threadsBefore, threadCpuSeconds(), known, elapsed),
    offered: offeredPerSecond,
    delivered: read.events / elapsed,
    latency: read.latency,
    cpuPercent: ((after.cpuSeconds - before.cpuSeconds) / elapsed) * 100,
    bridgeCpuPercent: bridgeBefore
      ? ((procStats([target.bridgePid]).cpuSeconds - bridgeBefore.cpuSeconds) / elapsed) * 100
      : undefined,
    generatorCpuPercent: ((generator.user + generator.system) / 1e6 / elapsed) * 100,
    rssMb: after.rssKb / 1024,
    readers: read.readers,
    nonReaders: read.nonReaders,
    lateAtHubPercent: podShareAbove('tickwire_tick_latency_seconds'),
    lateInHubPercent: podShareAbove('tickwire_sse_fanout_delay_seconds'),
  };
}

/**
 * Size of a pod's V8 young generation (new space, MB; NaN for targets without /metrics). Read at
 * each idle reading to tell heap headroom V8 may hand back from memory the connections hold; on
 * the VM of 2026-12-02 it did not grow at all (bench/RESULTS.md).
 */
async function youngGenerationMb(target) {
  if (target.metricsUrl === undefined) return NaN;
  const metrics = await scrape(target.metricsUrl);
  return sample(metrics, 'tickwire_nodejs_heap_space_size_total_bytes', 'space="new"') / 2 ** 20;
}

async function compareTarget(name, feed, load) {
  const target = await startTarget(name, feed);
  try {
    await sleep(1_000);
    const base = procStats(target.pids);
    const baseYoung = await youngGenerationMb(target);
    const overflowsBefore = listenOverflows();
    // Two halves: the second half's RSS growth is the cost of a connection without the one-time
    // growth (code, pools, heap headroom) that the first connections pay for.
    const specs = specsFor(target);
    const halfCount = Math.floor(CLIENTS / 2);
    const firstHalf = await load.connect(specs.slice(0, halfCount));
    await sleep(IDLE_SETTLE_MS);
    const half = procStats(target.pids);
    const secondHalf = await load.connect(specs.slice(halfCount));
    const connected = {
      snapshots: firstHalf.snapshots + secondHalf.snapshots,
      statuses: { ...firstHalf.statuses, ...secondHalf.statuses },
      elapsedMs: firstHalf.elapsedMs + secondHalf.elapsedMs,
    };
    const connectOverflows = listenOverflows() - overflowsBefore;
    if (connected.snapshots < CLIENTS)
      console.log(`  ${target.name}: only ${connected.snapshots}/${CLIENTS} connected`, connected.statuses);
    const connectedAt = performance.now();
    await sleep(IDLE_SETTLE_MS);
    const idle = procStats(target.pids);
    const idleYoung = await youngGenerationMb(target);
    await sleep(Math.max(0, SETTLED_IDLE_MS - (performance.now() - connectedAt)));
    const settled = procStats(target.pids);
    const settledYoung = await youngGenerationMb(target);
    const result = {
      name: target.name,
      connectMs: connected.elapsedMs,
      connectOverflows,
      connected: connected.snapshots,
      idleKbPerConnection: (idle.rssKb - base.rssKb) / CLIENTS,
      marginalKbPerConnection: (idle.rssKb - half.rssKb) / (CLIENTS - halfCount),
      settledKbPerConnection: (settled.rssKb - base.rssKb) / CLIENTS,
      youngGrowthMbAt5s: idleYoung - baseYoung,
      youngGrowthMbAtSettled: settledYoung - baseYoung,
      baseRssMb: base.rssKb / 1024,
      steps: [],
    };
    for (const rate of RATES) {
      const offered = (rate * CLIENTS) / SYMBOLS.length;
      await feed.setTotalRate(rate);
      await sleep(WARMUP_MS);
      let step;
      for (let attempt = 0; attempt <= STEP_RETRIES; attempt += 1) {
        step = { rate, attempt, ...(await measure(target, load, MEASURE_MS, offered, feed)) };
        console.log(
          `  ${target.name} @ ${rate} msg/s: ${Math.round(step.delivered)} of ${offered} events/s, p50 ${step.latency.p50} ms, p99 ${step.latency.p99} ms, CPU ${step.cpuPercent.toFixed(0)} %, other ${step.otherCpuPercent.toFixed(0)} %${step.otherThreads ? ` (${step.otherThreads})` : ''}${isClean(step) ? '' : ' (contaminated)'}`,
        );
        if (isClean(step)) break;
      }
      result.steps.push(step);
      // A contaminated step says nothing about the target: it never ends the sweep.
      if (
        isClean(step) &&
        (step.latency.p99 > OVERLOAD_P99_FACTOR * P99_LIMIT_MS ||
          step.delivered < offered * OVERLOAD_DELIVERED_SHARE)
      )
        break;
    }
    await feed.setTotalRate(0);
    return result;
  } finally {
    await load.closeAll();
    await target.stop();
    await sleep(1_000);
  }
}

/** The clean step with the highest delivered rate at p99 <= the limit (the issue's figure). */
function bestStep(result) {
  const within = result.steps.filter((s) => isClean(s) && s.latency.p99 <= P99_LIMIT_MS);
  return within.reduce((best, s) => (!best || s.delivered > best.delivered ? s : best), undefined);
}

/** The highest clean step with every clean step up to it at p99 <= the limit. */
function sustainedStep(result) {
  let sustained;
  for (const step of result.steps.filter(isClean)) {
    if (step.latency.p99 > P99_LIMIT_MS) break;
    sustained = step;
  }
  return sustained;
}

async function scenarioCompare(feed, load) {
  const results = [];
  for (const name of TARGETS) {
    if (name === 'nchan') {
      const available = nchanAvailable();
      if (!available.ok) {
        console.log(`nchan skipped: ${available.reason}`);
        continue;
      }
    }
    console.log(`target ${name}`);
    results.push(await compareTarget(name, feed, load));
  }
  for (const result of results) {
    console.log(
      `\n### ${result.name}: ${result.connected} clients connected in ${result.connectMs} ms (${result.connectOverflows} SYNs dropped on a full accept queue)\n`,
    );
    console.log(
      markdownTable(
        result.steps.map((s) => ({
          'msg/s': s.rate,
          'offered ev/s': s.offered,
          'delivered ev/s': s.delivered,
          'p50 ms': s.latency.p50,
          'p99 ms': s.latency.p99,
          'max ms': s.latency.max,
          'server CPU %': s.cpuPercent,
          'server RSS MB': s.rssMb,
          'generator CPU %': s.generatorCpuPercent,
          'other CPU %': s.otherCpuPercent,
          ...(s.bridgeCpuPercent !== undefined ? { 'bridge CPU %': s.bridgeCpuPercent } : {}),
          ...(s.lateAtHubPercent !== undefined
            ? {
                [`ticks at hub > ${LATE_SECONDS * 1000} ms %`]: s.lateAtHubPercent,
                [`hub waits > ${LATE_SECONDS * 1000} ms %`]: s.lateInHubPercent,
              }
            : {}),
          clean: isClean(s) ? 'yes' : 'no',
        })),
      ),
    );
  }
  console.log(`\n### Summary: ${CLIENTS} SSE clients, ${SYMBOLS.length} channels\n`);
  const rows = results.map((r) => {
    const best = bestStep(r);
    const sustained = sustainedStep(r);
    return {
      target: r.name,
      [`delivered ev/s at p99 <= ${P99_LIMIT_MS} ms`]: best?.delivered ?? 0,
      'p99 ms there': best?.latency.p99 ?? NaN,
      'server CPU % there': best?.cpuPercent ?? NaN,
      'sustained: every clean step up to, ev/s': sustained?.delivered ?? 0,
      'contaminated steps': r.steps.filter((s) => !isClean(s)).length,
      'idle KB/connection at 5 s': r.idleKbPerConnection,
      'idle KB/connection at 5 s, second half': r.marginalKbPerConnection,
      [`idle KB/connection at ${SETTLED_IDLE_MS / 1000} s`]: r.settledKbPerConnection,
      [`V8 young generation growth MB at 5 s, ${SETTLED_IDLE_MS / 1000} s`]: Number.isFinite(
        r.youngGrowthMbAt5s,
      )
        ? `${r.youngGrowthMbAt5s.toFixed(1)}, ${r.youngGrowthMbAtSettled.toFixed(1)}`
        : '-',
      [`connect ${CLIENTS} ms`]: r.connectMs,
    };
  });
  console.log(markdownTable(rows));
  printTokenComparison(results);
  const pod = results.find((r) => r.name.startsWith('tickwire'));
  if (pod && !pod.name.includes('redis')) {
    const ratios = results
      .filter((r) => r !== pod)
      .map((other) => ({
        ratio: `pod / ${other.name}`,
        [`delivered ev/s at p99 <= ${P99_LIMIT_MS} ms`]: ratio(
          bestStep(pod)?.delivered,
          bestStep(other)?.delivered,
        ),
        sustained: ratio(sustainedStep(pod)?.delivered, sustainedStep(other)?.delivered),
        'idle KB/connection at 5 s': ratio(pod.idleKbPerConnection, other.idleKbPerConnection),
        [`idle KB/connection at ${SETTLED_IDLE_MS / 1000} s`]: ratio(
          pod.settledKbPerConnection,
          other.settledKbPerConnection,
        ),
      }));
    console.log(`\n${markdownTable(ratios)}`);
  }
}

/** Token-authenticated streams against direct ones on the same engine: ratios, and the p99 each rate added. */
function printTokenComparison(results) {
  const direct = results.find((r) => r.name.includes('no auth'));
  const token = results.find((r) => r.name.includes('token auth'));
  if (!direct || !token) return;
  const [bestDirect, bestToken] = [bestStep(direct), bestStep(token)];
  console.log(`\n### Stream tokens: token-authenticated streams / direct streams\n`);
  console.log(
    markdownTable([
      {
        [`delivered ev/s at p99 <= ${P99_LIMIT_MS} ms, direct`]: bestDirect?.delivered ?? 0,
        [`token auth`]: bestToken?.delivered ?? 0,
        ratio: ratio(bestToken?.delivered, bestDirect?.delivered),
        'sustained ratio': ratio(sustainedStep(token)?.delivered, sustainedStep(direct)?.delivered),
        [`connect ${CLIENTS} ms, direct`]: direct.connectMs,
        'connect ms, token auth': token.connectMs,
        'idle KB/connection at 5 s, direct': direct.idleKbPerConnection,
        'idle KB/connection at 5 s, token auth': token.idleKbPerConnection,
      },
    ]),
  );
  const rows = [];
  for (const step of token.steps) {
    const base = direct.steps.find((s) => s.rate === step.rate);
    if (!base) continue;
    rows.push({
      'msg/s': step.rate,
      'delivered ev/s, direct': base.delivered,
      'token auth': step.delivered,
      'p99 ms, direct': base.latency.p99,
      'p99 ms, token auth': step.latency.p99,
      'added p99 ms': step.latency.p99 - base.latency.p99,
      'CPU % (pod + Redis), direct': base.cpuPercent,
      'CPU % (pod + Redis), token auth': step.cpuPercent,
      clean: isClean(step) && isClean(base) ? 'yes' : 'no',
    });
  }
  console.log(`\n${markdownTable(rows)}`);
}

async function scenarioSlow(feed, load) {
  const offered = (RATE * CLIENTS) / SYMBOLS.length;
  const runs = [];
  // Both runs have the same subscriptions: the wide clients read in the first and stop reading
  // after their snapshot in the second; the other clients' latency is compared.
  for (const nonReaders of [0, NON_READERS]) {
    const target = await startPod(feed, { clients: CLIENTS, env: { ...SLOW_POD_ENV, ...POD_ENV } });
    try {
      await sleep(1_000);
      const base = procStats(target.pids);
      await load.connect(specsFor(target, { wide: NON_READERS, wideRead: nonReaders === 0 }));
      await feed.setTotalRate(RATE);
      await sleep(WARMUP_MS);
      // Sample RSS while the window runs: the peak is what the bound is about.
      let peakRssKb = 0;
      const sampler = setInterval(() => (peakRssKb = Math.max(peakRssKb, procStats(target.pids).rssKb)), 250);
      const step = await measure(target, load, MEASURE_MS, offered, feed);
      clearInterval(sampler);
      await feed.setTotalRate(0);
      const metrics = await scrape(target.metricsUrl);
      // A cut client reads what the kernel still held for it (up to the buffer caps) before the close.
      await load.resumeAll(RESUME_READ_MS);
      const after = await load.read();
      runs.push({
        nonReaders,
        step,
        baseRssMb: base.rssKb / 1024,
        peakRssMb: peakRssKb / 1024,
        cut: sample(metrics, 'tickwire_sse_slow_client_disconnects_total'),
        conflated: sample(metrics, 'tickwire_sse_conflated_events_total'),
        nonReadersEnded: after.nonReaders.ended,
        nonReadersTotal: after.nonReaders.count,
      });
      console.log(
        `  wide clients ${nonReaders > 0 ? 'not reading' : 'reading'}: other clients p99 ${step.latency.p99} ms, peak RSS ${(peakRssKb / 1024).toFixed(0)} MB, events per client ${step.readers.fewestEvents}..${step.readers.mostEvents}`,
      );
    } finally {
      await load.closeAll();
      await target.stop();
      await sleep(1_000);
    }
  }
  console.log(
    `\n### Slow consumers: ${CLIENTS} clients (${NON_READERS * 100} % wide), ${RATE} msg/s, ${MEASURE_MS / 1000} s window\n`,
  );
  console.log(
    markdownTable(
      runs.map((r) => ({
        'wide clients (10 symbols)':
          r.nonReaders > 0 ? `${NON_READERS * 100} %, not reading` : `${NON_READERS * 100} %, reading`,
        'other clients ev/s': r.step.delivered,
        'other clients p50 ms': r.step.latency.p50,
        'other clients p99 ms': r.step.latency.p99,
        'server CPU %': r.step.cpuPercent,
        'other CPU %': r.step.otherCpuPercent,
        'pod RSS before clients MB': r.baseRssMb,
        'pod peak RSS MB': r.peakRssMb,
        'stuck clients cut (metric)': r.cut,
        'non-readers closed by the pod': `${r.nonReadersEnded} / ${r.nonReadersTotal}`,
        'conflated events': r.conflated,
      })),
    ),
  );
  const [all, some] = runs;
  console.log(
    `\nother clients' p99, wide clients not reading / reading: ${ratio(some.step.latency.p99, all.step.latency.p99)}`,
  );
}

async function scenarioStorm(feed, load) {
  const target = await startPod(feed, { clients: CLIENTS, env: POD_ENV });
  try {
    await sleep(1_000);
    const connected = await load.connect(specsFor(target));
    await feed.setTotalRate(RATE);
    await sleep(WARMUP_MS);
    // Every client goes away at once (the burst of closes is measured apart), then all come back.
    await scrape(target.metricsUrl); // resets the pod's event-loop delay histogram
    await load.disconnectAll();
    await sleep(STORM_SETTLE_MS);
    const disconnect = await scrape(target.metricsUrl);
    const before = disconnect;
    const cpuBefore = procStats(target.pids);
    const known = [...target.pids, feed.pid, process.pid];
    const knownBefore = procStats(known).cpuSeconds;
    const machineBefore = machineBusySeconds();
    const overflowsBefore = listenOverflows();
    const t0 = performance.now();
    const storm = await load.storm(STORM_WINDOW_MS, STORM_WINDOW_MS + 30_000);
    const overflows = listenOverflows() - overflowsBefore;
    const foreign = machineBusySeconds() - machineBefore - (procStats(known).cpuSeconds - knownBefore);
    const elapsed = (performance.now() - t0) / 1000;
    const after = await scrape(target.metricsUrl);
    const cpuAfter = procStats(target.pids);
    await feed.setTotalRate(0);
    const lag = (name, text = after) => sample(text, `tickwire_nodejs_eventloop_lag_${name}_seconds`) * 1000;
    console.log(
      `\n### Connect storm: ${CLIENTS} clients reset and reconnected within ${STORM_WINDOW_MS} ms, feed at ${RATE} msg/s\n`,
    );
    console.log(
      markdownTable([
        {
          [`first connect ${CLIENTS} ms`]: connected.elapsedMs,
          reconnected: storm.count,
          'got snapshot': storm.snapshots,
          'HTTP statuses': JSON.stringify(storm.statuses),
          'all snapshots after ms': storm.allSnapshotsWithinMs,
          'slowest snapshot ms': storm.slowestSnapshotMs,
          'event-loop lag p50 ms': lag('p50'),
          'event-loop lag p99 ms': lag('p99'),
          'event-loop lag max ms': lag('max'),
          'lag max while 10k closed ms': lag('max', disconnect),
          'server CPU %': ((cpuAfter.cpuSeconds - cpuBefore.cpuSeconds) / elapsed) * 100,
          'SYNs dropped (accept queue full)': overflows,
          'other CPU %': (Math.max(0, foreign) / elapsed) * 100,
          'SSE connections opened':
            sample(after, 'tickwire_sse_connections_total') -
            sample(before, 'tickwire_sse_connections_total'),
        },
      ]),
    );
  } finally {
    await load.closeAll();
    await target.stop();
  }
}

/** Soak: RSS and heap are sampled this often; the slope uses the lowest sample per bucket (after GC). */
const SOAK_SAMPLE_EVERY_MS = 2_000;
const SOAK_BUCKET_MS = 20_000;
/**
 * The soak asks the pod for its memory after two full GCs this often (ms; bench/lib/memory-probe.js).
 * Each probe pauses the pod for the collections (reported), once a minute.
 */
const SOAK_PROBE_EVERY_MS = 60_000;
/** A long soak prints a progress line this often, so its log shows it is alive (ms). */
const SOAK_PROGRESS_EVERY_MS = 60_000;
/** The soak's floors table has one row per this many minutes. */
const SOAK_TABLE_EVERY_MINUTES = 5;

async function scenarioSoak(feed, load) {
  const target = await startPod(feed, { clients: CLIENTS, env: POD_ENV, memoryProbe: true });
  try {
    await sleep(1_000);
    await load.connect(specsFor(target));
    await feed.setTotalRate(RATE);
    await sleep(WARMUP_MS);
    await load.reset();
    const samples = [];
    const known = [...target.pids, feed.pid, process.pid];
    const knownBefore = procStats(known).cpuSeconds;
    const machineBefore = machineBusySeconds();
    const cpuBefore = procStats(target.pids).cpuSeconds;
    const t0 = performance.now();
    let nextProgress = SOAK_PROGRESS_EVERY_MS;
    let nextProbe = 0;
    /** Memory after two full GCs, once per SOAK_PROBE_EVERY_MS: what a leak would raise. */
    const probes = [];
    while (performance.now() - t0 < MEASURE_MS) {
      if (performance.now() - t0 >= nextProbe) {
        nextProbe += SOAK_PROBE_EVERY_MS;
        const probe = await target.probeMemory();
        probes.push({
          minute: (performance.now() - t0) / 60_000,
          liveHeapMb: probe.heapUsed / 2 ** 20,
          externalMb: probe.external / 2 ** 20,
          rssMb: probe.rss / 2 ** 20,
          pauseMs: probe.pauseMs,
        });
      }
      const metrics = await scrape(target.metricsUrl);
      const stats = procStats(target.pids);
      samples.push({
        minute: (performance.now() - t0) / 60_000,
        rssMb: stats.rssKb / 1024,
        heapMb: sample(metrics, 'tickwire_nodejs_heap_size_used_bytes') / 2 ** 20,
        clients: sample(metrics, 'tickwire_sse_clients'),
      });
      if (performance.now() - t0 >= nextProgress) {
        nextProgress += SOAK_PROGRESS_EVERY_MS;
        const soFar = await load.read();
        const last = samples.at(-1);
        console.log(
          `  ${last.minute.toFixed(1)} min: RSS ${last.rssMb.toFixed(1)} MB, heap ${last.heapMb.toFixed(1)} MB, ${last.clients} clients, ${Math.round(soFar.events / ((performance.now() - t0) / 1000))} ev/s, p99 ${soFar.latency.p99} ms so far`,
        );
      }
      await sleep(SOAK_SAMPLE_EVERY_MS);
    }
    const read = await load.read();
    const elapsed = (performance.now() - t0) / 1000;
    const podCpuPercent = ((procStats(target.pids).cpuSeconds - cpuBefore) / elapsed) * 100;
    const foreign = machineBusySeconds() - machineBefore - (procStats(known).cpuSeconds - knownBefore);
    await feed.setTotalRate(0);
    // Heap and RSS saw-tooth with GC: the floor of each bucket is what a leak would raise. The
    // first third is warm-up (heap growing to its working size); the slope is over the rest.
    const floors = bucketFloors(samples, SOAK_BUCKET_MS / 60_000);
    const steady = floors.slice(Math.floor(floors.length / 3));
    const steadyProbes = probes.filter((p) => p.minute >= elapsed / 60 / 3);
    console.log(`\n### Soak: ${CLIENTS} clients, ${RATE} msg/s, ${(elapsed / 60).toFixed(1)} min\n`);
    console.log(
      markdownTable([
        {
          'delivered ev/s': read.events / elapsed,
          'p99 ms': read.latency.p99,
          'max ms': read.latency.max,
          'pod CPU %': podCpuPercent,
          'other CPU %': (Math.max(0, foreign) / elapsed) * 100,
          'RSS first MB': samples[0].rssMb,
          'RSS last MB': samples.at(-1).rssMb,
          'RSS max MB': Math.max(...samples.map((s) => s.rssMb)),
          'RSS floor slope MB/h': slope(steady, 'rssMb') * 60,
          'heap floor slope MB/h': slope(steady, 'heapMb') * 60,
          'RSS floor first → last MB': `${floors[0].rssMb.toFixed(1)} → ${floors.at(-1).rssMb.toFixed(1)}`,
          'heap floor first → last MB': `${floors[0].heapMb.toFixed(1)} → ${floors.at(-1).heapMb.toFixed(1)}`,
          'live heap after full GC, first → last MB': `${probes[0].liveHeapMb.toFixed(1)} → ${probes.at(-1).liveHeapMb.toFixed(1)}`,
          'live heap slope MB/h': slope(steadyProbes, 'liveHeapMb') * 60,
          'external slope MB/h': slope(steadyProbes, 'externalMb') * 60,
          'RSS after full GC slope MB/h': slope(steadyProbes, 'rssMb') * 60,
          'full GC pause max ms': Math.max(...probes.map((p) => p.pauseMs)),
          'clients at the end': samples.at(-1).clients,
          samples: samples.length,
        },
      ]),
    );
    // The floors over time, coarser: what the slope is fitted to, readable at a glance.
    const rows = [];
    const probesIn = (minute) =>
      probes.filter((p) => p.minute >= minute && p.minute < minute + SOAK_TABLE_EVERY_MINUTES);
    for (let minute = 0; minute < elapsed / 60; minute += SOAK_TABLE_EVERY_MINUTES) {
      const inRow = floors.filter((f) => f.minute >= minute && f.minute < minute + SOAK_TABLE_EVERY_MINUTES);
      if (inRow.length === 0) continue;
      const probed = probesIn(minute);
      rows.push({
        minutes: `${minute}-${Math.min(minute + SOAK_TABLE_EVERY_MINUTES, Math.ceil(elapsed / 60))}`,
        'RSS floor MB': Math.min(...inRow.map((f) => f.rssMb)),
        'heap floor MB': Math.min(...inRow.map((f) => f.heapMb)),
        'live heap after full GC MB': Math.max(...probed.map((p) => p.liveHeapMb)),
        'external after full GC MB': Math.max(...probed.map((p) => p.externalMb)),
        'RSS after full GC MB': Math.max(...probed.map((p) => p.rssMb)),
      });
    }
    console.log(`\n${markdownTable(rows)}`);
  } finally {
    await load.closeAll();
    await target.stop();
  }
}

/** The lowest RSS and heap per bucket of `bucketMinutes`, at the bucket's middle. */
function bucketFloors(samples, bucketMinutes) {
  const buckets = new Map();
  for (const s of samples) {
    const index = Math.floor(s.minute / bucketMinutes);
    const floor = buckets.get(index) ?? {
      minute: (index + 0.5) * bucketMinutes,
      rssMb: Infinity,
      heapMb: Infinity,
    };
    floor.rssMb = Math.min(floor.rssMb, s.rssMb);
    floor.heapMb = Math.min(floor.heapMb, s.heapMb);
    buckets.set(index, floor);
  }
  return [...buckets.values()];
}

/** Least-squares slope of `key` over `minute`. */
function slope(points, key) {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.minute, 0) / n;
  const my = points.reduce((s, p) => s + p[key], 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.minute - mx) * (p[key] - my);
    den += (p.minute - mx) ** 2;
  }
  return num / den;
}

async function main() {
  if (IN_NETNS && process.env[NETNS_ENV] === undefined) {
    process.exitCode = await reexecInNetns();
    return;
  }
  const limit = openFileLimit();
  if (limit < CLIENTS + SPARE_FILES) {
    throw new Error(
      `open-file limit ${limit} is below ${CLIENTS + SPARE_FILES}: run through \`pnpm bench:fanout\` (raises it to the hard limit) or \`ulimit -n ${CLIENTS * 2}\` first`,
    );
  }
  const cpus = os.cpus();
  console.log(
    `fan-out ${SCENARIO}: ${CLIENTS} SSE clients, ${SYMBOLS.length} channels, ${WORKERS} generator threads; ` +
      `${cpus.length} x ${cpus[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ` +
      `${new Date().toISOString()}\ncommand: node bench/fanout.js ${process.argv.slice(2).join(' ')}` +
      (IN_NETNS
        ? `\nin a private network namespace with net.ipv4.tcp_wmem max = ${TCP_WMEM_MAX ?? DEFAULT_TCP_WMEM_MAX} bytes` +
          (TCP_RMEM_MAX !== undefined ? `, net.ipv4.tcp_rmem max = ${TCP_RMEM_MAX} bytes` : '')
        : ''),
  );
  const feed = await startFeed({ symbols: SYMBOLS, streams: 'aggTrade' });
  const load = new LoadGenerator({ workers: WORKERS });
  try {
    const scenarios = {
      compare: scenarioCompare,
      slow: scenarioSlow,
      storm: scenarioStorm,
      soak: scenarioSoak,
    };
    const run = scenarios[SCENARIO];
    if (!run) throw new Error(`unknown scenario ${SCENARIO}; use ${Object.keys(scenarios).join(', ')}`);
    await run(feed, load);
  } finally {
    await load.stop();
    await feed.stop();
    await tokens.stop();
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(killAll);
