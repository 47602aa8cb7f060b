#!/usr/bin/env node
/**
 * REST hot-path benchmark (issue 5): `wrk` against a Tickwire pod's GET /v1/prices/:symbol (200
 * and 304), GET /v1/prices, a bare express route returning a constant body of the same size, and
 * for reference a bare node:http handler doing the same (bench/rest-baseline.js), in one
 * invocation, alternating rounds so drift hits all alike.
 *
 *   pnpm build && pnpm bench:rest [--seconds 10] [--rounds 2] [--connections 50]
 *
 * Needs wrk (Debian: apt-get install -y wrk); this script installs nothing. Loopback only; every
 * process started here is killed at the end.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { startFeed, BENCH_SYMBOLS } = require('./lib/feed');
const { killAll, procStats, start, stop, waitForLine } = require('./lib/processes');
const { markdownTable, ratio } = require('./lib/table');
const { startPod } = require('./lib/targets');

/** Trades that give every symbol a price before the feed is paused (prices then stay put, ETags too). */
const PRIMING_RATE = 50;
const PRIMING_MS = 2_000;

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg, i, all) => (arg.startsWith('--') ? [[arg.slice(2), all[i + 1]]] : [])),
);
const SECONDS = Number(args.seconds ?? 10);
const ROUNDS = Number(args.rounds ?? 2);
const CONNECTIONS = Number(args.connections ?? 50);

function wrk(url, headers = []) {
  const argv = [
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${SECONDS}s`,
    '--latency',
    ...headers.flatMap((h) => ['-H', h]),
    url,
  ];
  const out = execFileSync('wrk', argv, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const ms = (label) => {
    const match = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!match) return NaN;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50: ms('50'), p99: ms('99'), non2xx };
}

async function main() {
  if (spawnSync('wrk', ['--version']).error) {
    throw new Error('wrk is not installed: apt-get install -y wrk (Debian), then run again');
  }
  const cpus = os.cpus();
  console.log(
    `REST: wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds; ${cpus.length} x ${cpus[0].model}, node ${process.version}, ${new Date().toISOString()}\ncommand: node bench/rest.js ${process.argv.slice(2).join(' ')}`,
  );
  const feed = await startFeed({ symbols: BENCH_SYMBOLS, streams: 'aggTrade' });
  const pod = await startPod(feed, { clients: 0 });
  await feed.setTotalRate(PRIMING_RATE);
  await new Promise((resolve) => setTimeout(resolve, PRIMING_MS));
  await feed.setTotalRate(0);
  const priceUrl = `http://127.0.0.1:${pod.port}/v1/prices/BTCUSDT`;
  const price = await fetch(priceUrl);
  const body = await price.text();
  const etag = price.headers.get('etag');
  if (price.status !== 200 || !etag) throw new Error(`the pod answered ${price.status} without an ETag`);
  const startBaseline = async (baseline) => {
    const started = start(process.execPath, [path.join(__dirname, 'rest-baseline.js')], {
      BODY: body,
      BASELINE: baseline,
    });
    const port = await waitForLine(
      started.lines,
      (line) => (line.includes('listening') ? JSON.parse(line).port : undefined),
      10_000,
      `the ${baseline} baseline`,
    );
    return { ...started, port };
  };
  const express = await startBaseline('express');
  const node = await startBaseline('node');

  const cases = [
    {
      name: 'bare express: GET /constant',
      url: `http://127.0.0.1:${express.port}/constant`,
      pid: express.child.pid,
    },
    {
      name: 'bare node:http: GET /constant',
      url: `http://127.0.0.1:${node.port}/constant`,
      pid: node.child.pid,
    },
    { name: 'pod: GET /v1/prices/BTCUSDT (200)', url: priceUrl, pid: pod.pids[0] },
    {
      name: 'pod: GET /v1/prices/BTCUSDT (304)',
      url: priceUrl,
      headers: [`If-None-Match: ${etag}`],
      pid: pod.pids[0],
    },
    {
      name: 'pod: GET /v1/prices (10 symbols)',
      url: `http://127.0.0.1:${pod.port}/v1/prices`,
      pid: pod.pids[0],
    },
  ];
  const results = new Map(cases.map((c) => [c.name, []]));
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const c of cases) {
        const before = procStats([c.pid]);
        const t0 = performance.now();
        const r = wrk(c.url, c.headers);
        const cpu =
          ((procStats([c.pid]).cpuSeconds - before.cpuSeconds) / ((performance.now() - t0) / 1000)) * 100;
        results.get(c.name).push({ ...r, cpu });
        console.log(
          `  round ${round + 1} ${c.name}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms, server CPU ${cpu.toFixed(0)} %`,
        );
      }
    }
  } finally {
    await stop(express.child);
    await stop(node.child);
    await pod.stop();
    await feed.stop();
  }
  const mean = (list, key) => list.reduce((sum, r) => sum + r[key], 0) / list.length;
  const baseline = mean(results.get(cases[0].name), 'rps');
  console.log(
    `\n${markdownTable(
      cases.map((c) => {
        const list = results.get(c.name);
        return {
          route: c.name,
          'req/s (mean)': mean(list, 'rps'),
          'p50 ms': mean(list, 'p50'),
          'p99 ms': mean(list, 'p99'),
          'server CPU %': mean(list, 'cpu'),
          'non-2xx/3xx': list.reduce((n, r) => n + r.non2xx, 0),
          'vs bare express': ratio(mean(list, 'rps'), baseline),
        };
      }),
    )}`,
  );
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(killAll);
