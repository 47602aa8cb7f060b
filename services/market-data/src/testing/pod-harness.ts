/**
 * Runs a real pod in the test process against a real simulator on 127.0.0.1, with fast
 * timings and log lines captured as parsed JSON. Used by the integration tests only.
 */
import { Writable } from 'node:stream';
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import { parsePrometheusText, startExchangeSim, type ExchangeSim, type SimOptions } from '@tickwire/testkit';
import { loadConfig, type Config } from '../config';
import { createEngine, createScannerHeartbeatWatch } from '../engine-factory';
import { exchangeEndpoints } from '../exchange-endpoints';
import { Pod } from '../pod';

export interface PodHarness {
  sim: ExchangeSim;
  pod: Pod;
  config: Config;
  url: string;
  logs: Record<string, unknown>[];
  /** The same lines as written, for what parsing hides (a key written twice). */
  logLines: string[];
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  metrics(): Promise<ReturnType<typeof parsePrometheusText>>;
  stop(): Promise<void>;
}

export const FAST_SIM: SimOptions = { tradesPerSecond: 20, tickerIntervalMs: 200, seed: 7 };

export async function startPodHarness(
  env: Record<string, string> = {},
  simOptions: SimOptions = {},
): Promise<PodHarness> {
  const sim = await startExchangeSim({ ...FAST_SIM, ...simOptions });
  const logs: Record<string, unknown>[] = [];
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        logLines.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SYMBOLS: 'BTCUSDT,ETHUSDT',
    BINANCE_WS_URL: sim.wsUrl,
    BINANCE_REST_URL: sim.url,
    UPSTREAM_BACKOFF_BASE_MS: '50',
    UPSTREAM_BACKOFF_MAX_MS: '500',
    // Tests refuse connections on purpose: the breaker may open, and should half-open soon.
    UPSTREAM_BREAKER_RESET_MS: '500',
    SHUTDOWN_GRACE_MS: '2000',
    ...env,
  });
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const logger = createLogger({ level: 'debug', service: 'market-data', destination });
  let pod: Pod;
  try {
    pod = new Pod({
      config,
      logger,
      registry,
      exchanges: exchangeEndpoints(config),
      engine: await createEngine(config, logger),
      scannerHeartbeat: await createScannerHeartbeatWatch(config),
    });
    await pod.start();
  } catch (error) {
    await sim.stop();
    throw error;
  }
  const url = `http://127.0.0.1:${pod.port()}`;
  return {
    sim,
    pod,
    config,
    url,
    logs,
    logLines,
    get: (path, headers = {}) => fetch(`${url}${path}`, { headers }),
    metrics: async () => parsePrometheusText(await (await fetch(`${url}/metrics`)).text()),
    stop: async () => {
      await pod.stop();
      await sim.stop();
    },
  };
}
