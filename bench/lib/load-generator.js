/**
 * The load generator's main-thread side: spreads SSE connections over worker threads
 * (bench/lib/load-worker.js), each bound to its own loopback source address so 10,000+
 * connections never run out of ephemeral ports, and merges what the workers count.
 */
const path = require('node:path');
const { Worker } = require('node:worker_threads');

class LoadGenerator {
  /**
   * @param {{ workers: number, sourceBase?: number }} options  sourceBase: the last octet of
   *   the first worker's source address 127.0.0.x (each later worker takes the next one).
   */
  constructor({ workers, sourceBase = 11 }) {
    this.nextId = 0;
    this.waiters = new Map();
    this.workers = Array.from({ length: workers }, (_, index) => {
      const worker = new Worker(path.join(__dirname, 'load-worker.js'), {
        workerData: { localAddress: `127.0.0.${sourceBase + index}` },
      });
      worker.on('message', ({ id, result, error }) => {
        const waiter = this.waiters.get(id);
        this.waiters.delete(id);
        if (error) waiter?.reject(new Error(error));
        else waiter?.resolve(result);
      });
      worker.on('error', (error) => {
        for (const waiter of this.waiters.values()) waiter.reject(error);
        this.waiters.clear();
      });
      return worker;
    });
  }

  call(worker, command, args) {
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      this.waiters.set(id, { resolve, reject });
      worker.postMessage({ id, command, args });
    });
  }

  all(command, argsFor = () => undefined) {
    return Promise.all(this.workers.map((worker, index) => this.call(worker, command, argsFor(index))));
  }

  /**
   * Opens one connection per spec (spread round-robin over the workers); resolves when every
   * one has its snapshot, failed, or `timeoutMs` passed.
   */
  async connect(specs, timeoutMs = 60_000) {
    const parts = this.workers.map(() => []);
    specs.forEach((spec, i) => parts[i % parts.length].push(spec));
    const results = await this.all('connect', (index) => ({ specs: parts[index], timeoutMs }));
    return mergeSummaries(results, ['elapsedMs', 'slowestSnapshotMs']);
  }

  reset() {
    return this.all('reset');
  }

  /** Events, bytes and the merged latency histogram since the last reset. */
  async read() {
    const results = await this.all('read');
    const histogram = new Map();
    for (const result of results) {
      for (const [ms, count] of result.histogram) histogram.set(ms, (histogram.get(ms) ?? 0) + count);
    }
    return {
      events: sum(results, 'events'),
      bytes: sum(results, 'bytes'),
      reads: sum(results, 'reads'),
      latency: percentiles(histogram),
      readers: mergeSummaries(results.map((r) => r.readers)),
      nonReaders: mergeSummaries(results.map((r) => r.nonReaders)),
    };
  }

  /** Closes every connection, remembering them for `storm`. */
  disconnectAll() {
    return this.all('disconnectAll');
  }

  /** Reopens what `disconnectAll` closed, spread over `windowMs`. */
  async storm(windowMs, timeoutMs) {
    const results = await this.all('storm', () => ({ windowMs, timeoutMs }));
    return mergeSummaries(results, ['allSnapshotsWithinMs', 'slowestSnapshotMs']);
  }

  resumeAll(waitMs) {
    return this.all('resumeAll', () => ({ waitMs }));
  }

  closeAll() {
    return this.all('closeAll');
  }

  async stop() {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

function sum(results, key) {
  return results.reduce((total, result) => total + result[key], 0);
}

/** Adds counts up; the keys in `maxKeys` take the largest value instead. */
function mergeSummaries(results, maxKeys = ['slowestSnapshotMs']) {
  const merged = { count: 0, snapshots: 0, ended: 0, statuses: {}, fewestEvents: Infinity, mostEvents: 0 };
  for (const key of maxKeys) merged[key] = 0;
  for (const result of results) {
    merged.count += result.count;
    merged.snapshots += result.snapshots;
    merged.ended += result.ended;
    merged.fewestEvents = Math.min(merged.fewestEvents, result.fewestEvents ?? Infinity);
    merged.mostEvents = Math.max(merged.mostEvents, result.mostEvents ?? 0);
    for (const [status, count] of Object.entries(result.statuses))
      merged.statuses[status] = (merged.statuses[status] ?? 0) + count;
    for (const key of maxKeys) merged[key] = Math.max(merged[key], result[key] ?? 0);
  }
  return merged;
}

/** p50, p99, p99.9 and max (ms) of a histogram of 1 ms buckets. */
function percentiles(histogram) {
  const entries = [...histogram.entries()].sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((n, [, count]) => n + count, 0);
  const at = (p) => {
    if (total === 0) return NaN;
    const rank = Math.ceil((p / 100) * total);
    let seen = 0;
    for (const [ms, count] of entries) {
      seen += count;
      if (seen >= rank) return ms;
    }
    return entries.at(-1)[0];
  };
  return { samples: total, p50: at(50), p99: at(99), p999: at(99.9), max: entries.at(-1)?.[0] ?? NaN };
}

module.exports = { LoadGenerator, percentiles };
