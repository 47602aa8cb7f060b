#!/usr/bin/env node
/**
 * `pnpm demo`: the whole system on one machine, offline. Starts Redis (a redis-server of its
 * own on a free port, or the one in REDIS_URL), the exchange simulator, three market-data pods,
 * two scanner replicas and a gateway in front of the pods as processes, prints their URLs and
 * states, starts any that exits again (on the same port, so a rolling restart is `kill <pid>`
 * one pod after the other), and stops everything on Ctrl-C. Run `pnpm build` first (`pnpm demo`
 * does). Service variables (LOG_LEVEL, SYMBOLS, LEADER_*, SCAN_INTERVAL_MS, ANONYMOUS_READ, ...)
 * pass through to every process, each reading its own; SIM_SEED and SIM_RATE set the
 * simulator's seed and trades per second per symbol.
 */
const { Supervisor } = require('./demo/supervisor');
const { demoServices } = require('./demo/services');
const { StatePrinter } = require('./demo/state-printer');

async function main() {
  const instancesByName = new Map();
  const printer = new StatePrinter();
  const supervisor = new Supervisor({ onEvent: (instance, event) => printer.event(instance, event) });
  const urlOf = (name) => instancesByName.get(name)?.url;
  const blocks = demoServices(process.env, {
    redis: () => urlOf('redis'),
    simulator: () => urlOf('exchange-sim'),
    marketData: () =>
      [...instancesByName.values()].filter((i) => i.block.name === 'market-data').map((i) => i.url),
    scanner: () => [...instancesByName.values()].filter((i) => i.block.name === 'scanner').map((i) => i.url),
  });

  let stopping;
  const stop = (signal) => {
    if (stopping) {
      process.stdout.write(`${signal} again: killing every process\n`);
      supervisor.killAll();
      process.exit(130);
    }
    process.stdout.write(`\n${signal}: stopping every process\n`);
    printer.stop();
    stopping = supervisor.stop().then(() => {
      process.stdout.write('all processes stopped\n');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  try {
    for (const block of blocks) {
      if (block.external) {
        const instance = { name: block.name, block, url: block.external, child: undefined };
        instancesByName.set(block.name, instance);
        printer.event(instance, 'external');
        continue;
      }
      await supervisor.startService(block);
      for (const instance of supervisor.instances) instancesByName.set(instance.name, instance);
    }
  } catch (error) {
    await supervisor.stop();
    throw error;
  }
  if (stopping) return;
  printer.start([...instancesByName.values()]);
}

main().catch((error) => {
  process.stderr.write(`tickwire demo: ${error.stack ?? error}\n`);
  process.exit(1);
});
