/**
 * The baseline of the boundary benchmark: the evaluation core in memory, two ways over the same
 * candles. Incremental, as the scanner's SeriesBook keeps a series: loaded beforehand, the new
 * close is one `add` per indicator. From scratch, as a scanner without indicator state works:
 * for the new close, a fresh series fed the whole held history (each indicator computed once per
 * series and shared by its strategies, the kindest such scanner). Both then evaluate every
 * strategy with the scanner's own `evaluate`; the strategies met should agree (EMA and RSI differ
 * in the last digits: the incremental ones have seen one candle more).
 */
const {
  CandleSeries,
  candlesNeeded,
  evaluate,
  indicatorsOf,
} = require('../../services/scanner/dist/strategy');
const { startCpuWindow } = require('./processes');
const { gc } = require('./self-probes');

/** Closed candles a series holds: what its strategies read (the SeriesBook's capacity). */
const capacityOf = (series) => Math.max(...series.strategies.map((s) => candlesNeeded(s.document.when)));

function trackAll(candleSeries, series) {
  for (const strategy of series.strategies)
    for (const spec of indicatorsOf(strategy.document.when)) candleSeries.track(spec, false);
}

function evaluateAll(candleSeries, series) {
  const view = candleSeries.view(false);
  let met = 0;
  for (const strategy of series.strategies) if (evaluate(strategy.document.when, view).met) met++;
  return met;
}

/** Runs `work` in a measurement window: this process's CPU (ms), what `work` returned, the machine's noise. */
function measured(work, knownPids) {
  gc();
  const finish = startCpuWindow(knownPids);
  const cpu = process.cpuUsage();
  const met = work();
  const usage = process.cpuUsage(cpu);
  return { cpuMs: (usage.user + usage.system) / 1_000, met, ...finish() };
}

/**
 * @param data per watched series: `{ series, history, close }` (history oldest first, the close after it)
 * @returns `{ incremental, recomputed }`, each `{ cpuMs, met, otherCpuPercent, ... }`
 */
function compareEvaluationCores(data, knownPids) {
  const prepared = data.map(({ series, history, close }) => {
    const capacity = capacityOf(series);
    const loaded = new CandleSeries(capacity);
    trackAll(loaded, series);
    for (const candle of history.slice(-capacity)) loaded.addClosed(candle);
    return { series, close, capacity, held: [...history.slice(-(capacity - 1)), close], loaded };
  });
  const incremental = measured(() => {
    let met = 0;
    for (const { series, close, loaded } of prepared) {
      loaded.addClosed(close);
      met += evaluateAll(loaded, series);
    }
    return met;
  }, knownPids);
  const recomputed = measured(() => {
    let met = 0;
    for (const { series, capacity, held } of prepared) {
      const fresh = new CandleSeries(capacity);
      trackAll(fresh, series);
      for (const candle of held) fresh.addClosed(candle);
      met += evaluateAll(fresh, series);
    }
    return met;
  }, knownPids);
  return { incremental, recomputed };
}

module.exports = { compareEvaluationCores };
