#!/usr/bin/env node
/**
 * tickwire-sim: runs the Binance Spot simulator until SIGINT/SIGTERM and prints its base URL,
 * so the offline demo and benchmarks can point a pod at it.
 */
import { CLI_USAGE, parseCliArgs } from './cli-args';
import { SimOptionsError } from './options';
import { startExchangeSim } from './binance';

/** Exit code for bad flags or options (the BSD EX_USAGE convention). */
const EXIT_USAGE = 64;

async function main(): Promise<void> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${CLI_USAGE}\n`);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`tickwire-sim: ${parsed.problems.join('; ')}\n${CLI_USAGE}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  let sim;
  try {
    sim = await startExchangeSim(parsed.options);
  } catch (error) {
    if (error instanceof SimOptionsError) {
      process.stderr.write(`tickwire-sim: ${error.problems.join('; ')}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    throw error;
  }
  process.stdout.write(`tickwire-sim listening on ${sim.url} (${sim.wsUrl})\n`);
  const running = sim;
  const shutdown = (): void => {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    running.stop().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`tickwire-sim: stop failed: ${String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`tickwire-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
