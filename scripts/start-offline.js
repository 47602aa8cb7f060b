#!/usr/bin/env node
// The offline quick start: starts the bundled Binance simulator and a pod pointed at it.
// The pod itself still reads only its environment; this script just fills it in.
// Run `pnpm build` first. Extra env vars (PORT, SYMBOLS, LOG_LEVEL, ...) pass through.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { startExchangeSim } = require('../packages/exchange-sim/dist/index.js');

async function main() {
  const sim = await startExchangeSim({
    port: Number(process.env.SIM_PORT ?? 0),
    seed: Number(process.env.SIM_SEED ?? 1),
    ...(process.env.SYMBOLS
      ? { symbols: process.env.SYMBOLS.split(',').map((s) => s.trim().toUpperCase()) }
      : {}),
  });
  process.stderr.write(`exchange simulator on ${sim.url} (ws ${sim.wsUrl})\n`);
  const pod = spawn(process.execPath, [path.join(__dirname, '../services/market-data/dist/main.js')], {
    stdio: 'inherit',
    env: { ...process.env, BINANCE_WS_URL: sim.wsUrl, BINANCE_REST_URL: sim.url },
  });
  const forward = (signal) => pod.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  pod.on('exit', async (code, signal) => {
    await sim.stop();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
