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
 * Every window reports the CPU the rest of the machine used meanwhile ("other CPU %"). The parts
 * live in bench/lib/boundary-cpu.js and bench/lib/close-to-webhook.js.
 */
const { execSync } = require('node:child_process');
const Redis = require('ioredis');
const { boundaryTables, measureBoundaries } = require('./lib/boundary-cpu');
const { closeToWebhookTable, measureCloseToWebhook } = require('./lib/close-to-webhook');
const { USDT_SYMBOLS } = require('./lib/usdt-symbols');

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

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const parts = (args.part ?? 'cpu,latency').split(',');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(redisUrl);
  const options = {
    redis,
    redisUrl,
    owners: Number(args.owners ?? 1_000),
    symbolsPerOwner: Number(args['symbols-per-owner'] ?? 20),
    strategiesPerOwner: Number(args['strategies-per-owner'] ?? 3),
    universe: USDT_SYMBOLS.slice(0, Number(args.universe ?? 400)),
    rounds: Number(args.rounds ?? 4),
    samples: Number(args.samples ?? 200),
    webhooks: Number(args.webhooks ?? 40),
    seed: Number(args.seed ?? 1),
    profileDir: args.profile,
  };
  console.log(machine());
  const tables = [];
  try {
    if (parts.includes('cpu')) tables.push(boundaryTables(await measureBoundaries(options)));
    if (parts.includes('latency')) tables.push(closeToWebhookTable(await measureCloseToWebhook(options)));
  } finally {
    redis.disconnect();
  }
  console.log(`\n${tables.join('\n\n')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
