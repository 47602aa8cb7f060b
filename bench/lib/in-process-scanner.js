/**
 * The active scanner's evaluation, in the benchmark's own process so that its CPU can be read
 * with process.cpuUsage: the scanner's election held under its namespace, its CatalogStore,
 * SignalLog, DeliveryQueue, StrategyIndex and SignalEmitter, and an Evaluator per market-data
 * namespace with its SeriesBook: the pieces and options services/scanner/src/scanner.ts wires,
 * from the built code. No delivery worker runs: signals are stored and queued, never sent.
 */
const { createLogger, createMetricsRegistry } = require('../../packages/observability/dist');
const { loadConfig } = require('../../services/scanner/dist/config');
const { DeliveryQueue, deliveryKeys } = require('../../services/scanner/dist/delivery');
const { Evaluator } = require('../../services/scanner/dist/evaluation/evaluator');
const { MarketData } = require('../../services/scanner/dist/evaluation/market-data');
const { SeriesBook } = require('../../services/scanner/dist/evaluation/series-book');
const { SignalEmitter } = require('../../services/scanner/dist/evaluation/signal-emitter');
const { StrategyIndex } = require('../../services/scanner/dist/evaluation/strategy-index');
const { createLeadership } = require('../../services/scanner/dist/leadership-factory');
const { createScannerMetrics } = require('../../services/scanner/dist/metrics');
const { SignalLog } = require('../../services/scanner/dist/signals/signal-log');
const { CatalogStore, ScannerScripts, scannerKeys } = require('../../services/scanner/dist/store');
const { parseStrategyDocument } = require('../../services/scanner/dist/strategy');

/** Where the destinations point: an allowed origin no request is ever sent to. */
const UNUSED_WEBHOOK_ORIGIN = 'http://127.0.0.1:9';
const ELECTED_WITHIN_MS = 5_000;

const logger = createLogger({ level: 'silent', service: 'bench-scanner' });

async function startInProcessScanner({ redisUrl, namespace }) {
  const config = loadConfig({
    REDIS_URL: redisUrl,
    SCANNER_NAMESPACE: namespace,
    INSTANCE_ID: 'bench-scanner',
    WEBHOOK_HOST_ALLOWLIST: UNUSED_WEBHOOK_ORIGIN,
  });
  const leadership = await createLeadership(config, logger);
  await leadership.election.start();
  for (const deadline = Date.now() + ELECTED_WITHIN_MS; leadership.election.state().role !== 'leader';) {
    if (Date.now() > deadline)
      throw new Error(`the bench scanner was not elected within ${ELECTED_WITHIN_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const keys = scannerKeys(namespace);
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
  const queue = new DeliveryQueue(leadership.commands, deliveryKeys(namespace));
  const metrics = createScannerMetrics(createMetricsRegistry({ defaultMetrics: false }), {
    scanIntervalMs: config.SCAN_INTERVAL_MS,
    heartbeat: () => ({ state: 'unknown' }),
  });
  const emitter = new SignalEmitter({ signals, queue, onQueued: () => undefined, metrics, logger });
  const index = new StrategyIndex(catalog);

  return {
    catalog,
    index,
    metrics,

    /**
     * Writes owners through the CatalogStore: per owner a destination, a watchlist and its
     * strategies (documents parsed as the API parses them), all sending to the destination.
     */
    async writeOwners(owners, random) {
      const digits = (n) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
      for (const entry of owners) {
        const owner = await catalog.createOwner(entry.name);
        const destination = await catalog.createDestination(owner.id, {
          kind: 'discord',
          name: 'alerts',
          url: `${UNUSED_WEBHOOK_ORIGIN}/api/webhooks/${digits(19)}/${digits(68)}`,
        });
        const watchlist = await catalog.createWatchlist(owner.id, { name: 'main', symbols: entry.symbols });
        for (const strategy of entry.strategies) {
          const parsed = parseStrategyDocument(strategy);
          if (!parsed.ok)
            throw new Error(`bad strategy ${strategy.name}: ${JSON.stringify(parsed.problems)}`);
          await catalog.createStrategy(owner.id, {
            watchlistId: watchlist.id,
            document: parsed.value,
            enabled: true,
            destinationIds: [destination.id],
          });
        }
      }
    },

    /**
     * An Evaluator (not started) over the candles of `marketNamespace`, with its own SeriesBook,
     * evaluating every close stored from `evaluateFrom` on; `now` is its clock and its book's.
     */
    async openEvaluator({ marketNamespace, evaluateFrom, now }) {
      const market = await MarketData.open({ ...config, MARKET_DATA_NAMESPACE: marketNamespace }, logger);
      await market.start();
      const book = new SeriesBook({ candles: market.candles, now });
      const evaluator = new Evaluator({
        index,
        book,
        source: market,
        emitter,
        concurrency: config.SCAN_CONCURRENCY,
        evaluateFrom,
        onFenced: (reason) => {
          throw new Error(`the bench scanner was fenced: ${reason}`);
        },
        metrics,
        logger,
        now,
      });
      return {
        evaluator,
        book,
        async close() {
          await evaluator.stop();
          await market.stop();
        },
      };
    },

    async stop() {
      await leadership.election.stop();
      await leadership.close();
    },
  };
}

module.exports = { startInProcessScanner };
