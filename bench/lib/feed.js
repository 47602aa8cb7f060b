/**
 * The exchange side of a benchmark: one simulator process for the whole run, started at rate 0;
 * the harness sets its trade rate for each step through POST /_sim/rate.
 */
const path = require('node:path');
const { start, stop, waitForLine } = require('./processes');

const ROOT = path.join(__dirname, '..', '..');

/**
 * @param {{ symbols: string[], streams: string }} options  streams: the Binance stream kinds every
 *   target subscribes (`aggTrade`: one ~200-byte tick per trade, as in the reference figures).
 */
async function startFeed({ symbols, streams }) {
  const { child, lines } = start(process.execPath, [
    path.join(ROOT, 'packages/exchange-sim/dist/cli.js'),
    '--port',
    '0',
    '--seed',
    '1',
    '--symbols',
    symbols.join(','),
    '--rate',
    '0',
  ]);
  const url = await waitForLine(
    lines,
    (line) => /listening on (http:\/\/\S+)/.exec(line)?.[1],
    10_000,
    'the simulator',
  );
  return {
    url,
    wsUrl: url.replace('http://', 'ws://'),
    symbols,
    streams,
    pid: child.pid,
    /** Sets the total trade rate (messages/s over all symbols, spread evenly). */
    async setTotalRate(messagesPerSecond) {
      const perSymbol = messagesPerSecond / symbols.length;
      const res = await fetch(`${url}/_sim/rate?tradesPerSecond=${perSymbol}`, { method: 'POST' });
      if (!res.ok) throw new Error(`the simulator refused rate ${perSymbol}: ${await res.text()}`);
    },
    stop: () => stop(child),
  };
}

/** The ten channels every fan-out and REST benchmark drives, in one place. */
const BENCH_SYMBOLS = [
  'BTCUSDT',
  'ETHUSDT',
  'BNBUSDT',
  'SOLUSDT',
  'XRPUSDT',
  'DOGEUSDT',
  'ADAUSDT',
  'TRXUSDT',
  'LTCUSDT',
  'LINKUSDT',
];

module.exports = { startFeed, BENCH_SYMBOLS };
