/**
 * Part 2 of bench/scanner.js: from a candle close to the webhook's request, with an idle queue.
 * The built scanner process (services/scanner/dist/main.js), a market-data leader and the
 * Discord-compatible webhook server of the tests in this process. Strategies of one symbol each
 * fire on every close (price above 0, no cooldown), each with its own webhook. Closes go one at
 * a time: the next after the previous request arrived, and a webhook is used again only after
 * its bucket window, so no queue ever forms and no rate limit is met. Latency: from just before
 * the leader's append to the webhook server's record of the request. Interleaved with each
 * sample, the floor of the path: the leader's append of a close no strategy watches, then a
 * direct POST of the same message from this process to the webhook server.
 */
const { CANDLE_INTERVAL_MS } = require('../../packages/core/dist');
const { startDiscordWebhookServer, startScannerProcess } = require('../../packages/testkit/dist');
const { startMarketLeader } = require('./market-leader');
const { procStats, startCpuWindow } = require('./processes');
const { deleteNamespace, freshNamespace, redisPid } = require('./redis-namespace');
const { seededRandom } = require('./scanner-workload');
const { markdownTable, ratio } = require('./table');

const INTERVAL = '1m';
/** Strategies (and webhooks) per owner: Discord destinations are limited per owner. */
const STRATEGIES_PER_OWNER = 10;
/** Candles of history per symbol (the price strategy reads the last one). */
const HISTORY_CANDLES = 5;
/** The history starts this many candles ago: closes stay in the past as the run goes on. */
const HISTORY_AGE_CANDLES = 600;
/** Longest wait for one webhook request before the sample counts as lost (ms). */
const SAMPLE_TIMEOUT_MS = 5_000;
/** The webhook server's bucket window (Discord's 5 per 2 s): a webhook is used at most once per window. */
const BUCKET_WINDOW_MS = 2_000;
/** Pause after each sample, at random up to this (ms): closes do not come in lockstep with deliveries. */
const MAX_SAMPLE_GAP_MS = 30;
const ACTIVE_WITHIN_MS = 15_000;
/** A symbol no strategy watches: the floor's appends. */
const FLOOR_SYMBOL = 'BENCHFLOORUSDT';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) };
}

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
  for (const deadline = Date.now() + ACTIVE_WITHIN_MS; Date.now() < deadline; await sleep(50)) {
    const report = await fetch(`${scanner.url}/health`, { signal: AbortSignal.timeout(1_000) })
      .then((res) => res.json())
      .catch(() => undefined);
    if (report?.checks?.['scanner:election']?.[0]?.observedValue === 'active') return;
  }
  throw new Error(`the scanner did not become active within ${ACTIVE_WITHIN_MS} ms`);
}

/** The webhook server's record of the request after the first `seen` ones, once there is one. */
async function nextRequest(webhooks, webhookId, seen) {
  for (const deadline = Date.now() + SAMPLE_TIMEOUT_MS; Date.now() < deadline; await sleep(1)) {
    const record = webhooks.requests(webhookId)[seen];
    if (record) return record;
  }
  return undefined;
}

function candle(symbol, openTime, close) {
  return {
    symbol,
    interval: INTERVAL,
    openTime,
    closeTime: openTime + CANDLE_INTERVAL_MS[INTERVAL] - 1,
    open: close,
    high: close,
    low: close,
    close,
    volume: '12.5',
    ticks: 42,
  };
}

/** An owner per STRATEGIES_PER_OWNER symbols; per symbol a watchlist, a webhook destination and a strategy that always fires. */
async function writeTargets({ scanner, webhooks, leader, symbols, firstOpen }) {
  const intervalMs = CANDLE_INTERVAL_MS[INTERVAL];
  const targets = [];
  let owner;
  for (const [i, symbol] of symbols.entries()) {
    if (i % STRATEGIES_PER_OWNER === 0)
      owner = (await api(scanner, 'POST', '/v1/owners', { name: `o${i}` })).id;
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
    const document = {
      name: `${symbol} every close`,
      interval: INTERVAL,
      cooldownMs: 0,
      when: { type: 'price', op: 'above', value: '0' },
    };
    await api(
      scanner,
      'POST',
      '/v1/strategies',
      { watchlistId: watchlist.id, destinationIds: [destination.id], document },
      owner,
    );
    await leader.history(
      Array.from({ length: HISTORY_CANDLES }, (_, n) => candle(symbol, firstOpen + n * intervalMs, '100.50')),
    );
    targets.push({
      symbol,
      webhook,
      floorWebhook: webhooks.createWebhook(),
      nextOpen: firstOpen + HISTORY_CANDLES * intervalMs,
      lastUsedAt: 0,
    });
  }
  return targets;
}

/**
 * @param options `{ redis, redisUrl, universe, samples, webhooks, seed }`
 */
async function measureCloseToWebhook(options) {
  const { redis, redisUrl, samples, seed } = options;
  const scannerNamespace = freshNamespace('bsl');
  const marketNamespace = freshNamespace('bml');
  const intervalMs = CANDLE_INTERVAL_MS[INTERVAL];
  const webhooks = await startDiscordWebhookServer({ bucketWindowMs: BUCKET_WINDOW_MS });
  const leader = await startMarketLeader(redisUrl, marketNamespace);
  let scanner;
  try {
    scanner = await startScannerProcess({
      REDIS_URL: redisUrl,
      SCANNER_NAMESPACE: scannerNamespace,
      MARKET_DATA_NAMESPACE: marketNamespace,
      WEBHOOK_HOST_ALLOWLIST: webhooks.origin,
      INSTANCE_ID: 'bench-latency',
    });
    await activeScanner(scanner);
    const firstOpen = Math.floor(Date.now() / intervalMs) * intervalMs - HISTORY_AGE_CANDLES * intervalMs;
    const targets = await writeTargets({
      scanner,
      webhooks,
      leader,
      symbols: options.universe.slice(0, options.webhooks),
      firstOpen,
    });
    let floorOpen = firstOpen;
    const random = seededRandom(seed + 11);
    const latencies = [];
    const floors = [];
    const statuses = {};
    let lost = 0;
    let message;
    let finish;
    let scannerCpuBefore;
    // The first close of each symbol loads its series in the scanner: a warm-up, not measured.
    for (let i = 0; i < targets.length + samples; i++) {
      const measured = i >= targets.length;
      if (i === targets.length) {
        scannerCpuBefore = procStats([scanner.process.pid]).cpuSeconds;
        finish = startCpuWindow([process.pid, scanner.process.pid, await redisPid(redis)]);
      }
      const target = targets[i % targets.length];
      const idleFor = BUCKET_WINDOW_MS - (Date.now() - target.lastUsedAt);
      if (idleFor > 0) await sleep(idleFor);
      const seen = webhooks.requests(target.webhook.id).length;
      const close = candle(target.symbol, target.nextOpen, (100 + random()).toFixed(2));
      target.nextOpen += intervalMs;
      const startedAt = Date.now();
      await leader.close(close);
      const record = await nextRequest(webhooks, target.webhook.id, seen);
      target.lastUsedAt = Date.now();
      if (!record) {
        if (measured) lost++;
        continue;
      }
      statuses[record.status] = (statuses[record.status] ?? 0) + 1;
      message ??= webhooks.messages(target.webhook.id)[0];
      if (!measured) continue;
      latencies.push(record.at - startedAt);

      const floorSeen = webhooks.requests(target.floorWebhook.id).length;
      const floorStartedAt = Date.now();
      await leader.close(candle(FLOOR_SYMBOL, floorOpen, '1.00'));
      floorOpen += intervalMs;
      await fetch(target.floorWebhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(SAMPLE_TIMEOUT_MS),
      });
      const floorRecord = await nextRequest(webhooks, target.floorWebhook.id, floorSeen);
      if (floorRecord) floors.push(floorRecord.at - floorStartedAt);
      await sleep(random() * MAX_SAMPLE_GAP_MS);
    }
    const window = finish();
    const scannerCpuSeconds = procStats([scanner.process.pid]).cpuSeconds - scannerCpuBefore;
    return {
      latency: percentiles(latencies),
      floor: percentiles(floors),
      webhooks: targets.length,
      lost,
      statuses,
      seconds: window.elapsedSeconds,
      scannerCpuPercent: (scannerCpuSeconds / window.elapsedSeconds) * 100,
      otherCpuPercent: window.otherCpuPercent,
      otherThreads: window.otherThreads,
    };
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

function closeToWebhookTable(result) {
  const { latency, floor } = result;
  const table = markdownTable([
    { path: 'close -> scanner -> webhook request', ...latency },
    { path: 'floor: leader append + direct POST', ...floor },
    {
      path: 'ratio',
      n: '',
      p50: ratio(latency.p50, floor.p50),
      p90: ratio(latency.p90, floor.p90),
      p99: ratio(latency.p99, floor.p99),
      max: ratio(latency.max, floor.max),
    },
  ]);
  const notes =
    `${latency.n} samples over ${result.seconds.toFixed(1)} s, ${result.webhooks} webhooks; lost ${result.lost}; ` +
    `webhook answers ${JSON.stringify(result.statuses)} (warm-up included); scanner process CPU ` +
    `${result.scannerCpuPercent.toFixed(1)} %; other CPU ${result.otherCpuPercent.toFixed(0)} %` +
    `${result.otherThreads ? ` (${result.otherThreads})` : ''}`;
  return ['### Candle close -> webhook request, idle queue (ms)', table, notes].join('\n\n');
}

module.exports = { measureCloseToWebhook, closeToWebhookTable };
