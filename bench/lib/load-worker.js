/**
 * One load-generator worker thread: holds thousands of raw-socket SSE connections and counts
 * what they receive, as cheaply as Node allows, so the generator does not become the
 * bottleneck it is measuring. Each socket reads into one buffer shared by the worker
 * (`onread`, no Buffer per read, no stream machinery); events are found by scanning bytes for
 * `"eventTime":`, and each one's latency (now - eventTime) lands in a 1 ms histogram.
 *
 * Driven by messages from bench/lib/load-generator.js; answers each command with
 * `{ id, result }`.
 */
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');

/** Latency histogram range: 1 ms buckets up to this, the last bucket collects the rest. */
const HISTOGRAM_MAX_MS = 60_000;
/** One read buffer for every socket of this worker (the kernel hands us at most this per read). */
const READ_BUFFER_BYTES = 64 * 1024;
/** Connections waiting for their response head at once: keeps the server's accept backlog short. */
const MAX_PENDING_CONNECTS = 256;
/** An incomplete event carried to the next read is never longer than this (longer: dropped). */
const MAX_CARRY_BYTES = 16 * 1024;

const MARKER = Buffer.from('"eventTime":');
const SNAPSHOT = Buffer.from('event: snapshot');
const HEAD_END = Buffer.from('\r\n\r\n');
const EVENT_END = Buffer.from('\n\n');
const QUOTE = 0x22;

const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
const histogram = new Uint32Array(HISTOGRAM_MAX_MS + 1);
const totals = { events: 0, bytes: 0, reads: 0 };
/** @type {Set<Connection>} */
const connections = new Set();
const { localAddress } = workerData;

/**
 * @typedef {object} Connection
 * @property {net.Socket} socket
 * @property {boolean} reading     false: never reads after its head (a stuck client)
 * @property {number} status       HTTP status, 0 until the head arrived
 * @property {boolean} headDone
 * @property {boolean} snapshot    a snapshot event (or, for targets without one, any body) arrived
 * @property {number} openedAt     ms
 * @property {number} snapshotAt   ms, 0 until then
 * @property {boolean} ended       the server closed it
 * @property {Buffer | undefined} carry
 * @property {object} spec         host, port, path, snapshotMarker; reading (false: stops after its
 *                                 snapshot); measured (false: load only, not in the counts)
 * @property {number} events       events received since the last reset
 */

/**
 * Counts events in `data[from, to)`, observing each latency against `now` (unless `measured` is
 * false: a connection that only adds load); returns the count.
 */
function scanEvents(data, from, to, now, measured) {
  let found = 0;
  let index = data.indexOf(MARKER, from);
  while (index !== -1 && index < to) {
    let value = 0;
    let i = index + MARKER.length;
    for (; i < to; i += 1) {
      const digit = data[i] - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    const latency = now - value;
    if (measured) histogram[latency < 0 ? 0 : latency > HISTOGRAM_MAX_MS ? HISTOGRAM_MAX_MS : latency] += 1;
    found += 1;
    index = data.indexOf(MARKER, i);
  }
  if (measured) totals.events += found;
  return found;
}

/** Handles `data[0, length)` of one connection (`data` is exactly that long); returns false to stop reading. */
function onData(conn, data, length) {
  const now = Date.now();
  totals.bytes += length;
  totals.reads += 1;
  let start = 0;
  if (!conn.headDone) {
    const end = data.indexOf(HEAD_END);
    if (end === -1 || end + HEAD_END.length > length) return true; // heads arrive in one read on loopback
    conn.headDone = true;
    // "HTTP/1.1 200 OK": the status is bytes 9..11.
    conn.status = Number(data.toString('latin1', 9, 12));
    start = end + HEAD_END.length;
    pending -= 1;
    if (conn.status !== 200) {
      conn.socket.destroy();
      return false;
    }
  }
  if (!conn.snapshot && length > start) {
    const found = data.indexOf(SNAPSHOT, start);
    if (conn.spec.snapshotMarker === false || (found !== -1 && found + SNAPSHOT.length <= length)) {
      conn.snapshot = true;
      conn.snapshotAt = now;
    }
  }
  if (!conn.reading && conn.snapshot) return false;
  // Events end with a blank line; an event cut by the read boundary waits for the next read.
  const last = length >= EVENT_END.length ? data.lastIndexOf(EVENT_END, length - EVENT_END.length) : -1;
  const complete = last === -1 || last < start ? start : last + EVENT_END.length;
  conn.events += scanEvents(data, start, complete, now, conn.spec.measured !== false);
  // A tail with a quote in it is part of an event; a tail without one is chunk framing.
  const quote = data.indexOf(QUOTE, complete);
  conn.carry =
    quote !== -1 && quote < length && length - complete <= MAX_CARRY_BYTES
      ? Buffer.from(data.subarray(complete, length))
      : undefined;
  return true;
}

let pending = 0;
/** What `disconnectAll` closed, for `storm` to reopen. */
let closedSpecs = [];

function openConnection(spec) {
  return new Promise((resolve) => {
    /** @type {Connection} */
    const conn = {
      socket: /** @type {any} */ (undefined),
      reading: spec.reading !== false,
      status: 0,
      headDone: false,
      snapshot: false,
      openedAt: Date.now(),
      snapshotAt: 0,
      ended: false,
      carry: undefined,
      spec,
      events: 0,
    };
    pending += 1;
    const socket = net.connect({
      host: spec.host,
      port: spec.port,
      localAddress,
      onread: {
        buffer: readBuffer,
        callback(nread, buffer) {
          if (conn.carry) {
            const joined = Buffer.concat([conn.carry, buffer.subarray(0, nread)]);
            conn.carry = undefined;
            return onData(conn, joined, joined.length);
          }
          // A view of this read only: every search stops at its end. Searching the shared buffer
          // itself ran on into the stale bytes of earlier, longer reads (up to READ_BUFFER_BYTES
          // per search when no marker was left there), which made the generator's CPU per event
          // depend on what it had read before, and so on the target.
          return onData(conn, buffer.subarray(0, nread), nread);
        },
      },
    });
    conn.socket = socket;
    socket.setNoDelay(true);
    const headers = spec.lastEventId ? `Last-Event-ID: ${spec.lastEventId}\r\n` : '';
    socket.on('connect', () => {
      socket.write(
        `GET ${spec.path} HTTP/1.1\r\nHost: ${spec.host}\r\nAccept: text/event-stream\r\n${headers}\r\n`,
      );
    });
    const done = () => {
      if (!conn.headDone) pending -= 1;
      conn.headDone = true;
      conn.ended = true;
    };
    socket.on('error', done);
    socket.on('end', done);
    socket.on('close', done);
    connections.add(conn);
    resolve(conn);
  });
}

/** Opens every spec, at most MAX_PENDING_CONNECTS waiting for their head at once. */
async function connectAll(specs) {
  const opened = [];
  for (const spec of specs) {
    while (pending >= MAX_PENDING_CONNECTS) await new Promise((resolve) => setTimeout(resolve, 2));
    opened.push(await openConnection(spec));
  }
  return opened;
}

function waitUntil(predicate, timeoutMs) {
  return new Promise((resolve) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      if (predicate() || Date.now() > deadline) resolve(predicate());
      else setTimeout(check, 20);
    };
    check();
  });
}

/** Non-empty buckets only, as [ms, count] pairs: most of the 60,001 buckets are empty. */
function compact(buckets) {
  const pairs = [];
  for (let ms = 0; ms < buckets.length; ms += 1) if (buckets[ms] > 0) pairs.push([ms, buckets[ms]]);
  return pairs;
}

function summary(list) {
  const statuses = {};
  let snapshots = 0;
  let ended = 0;
  let slowestSnapshotMs = 0;
  let fewestEvents = Infinity;
  let mostEvents = 0;
  for (const conn of list) {
    fewestEvents = Math.min(fewestEvents, conn.events);
    mostEvents = Math.max(mostEvents, conn.events);
    statuses[conn.status] = (statuses[conn.status] ?? 0) + 1;
    if (conn.snapshot) {
      snapshots += 1;
      slowestSnapshotMs = Math.max(slowestSnapshotMs, conn.snapshotAt - conn.openedAt);
    }
    if (conn.ended) ended += 1;
  }
  return { count: list.length, statuses, snapshots, ended, slowestSnapshotMs, fewestEvents, mostEvents };
}

const commands = {
  /** Opens connections and waits until each has its snapshot (or failed). */
  async connect({ specs, timeoutMs }) {
    const t0 = Date.now();
    const opened = await connectAll(specs);
    await waitUntil(
      () => opened.every((c) => c.ended || (c.status !== 0 && c.status !== 200) || c.snapshot),
      timeoutMs,
    );
    return { ...summary(opened), elapsedMs: Date.now() - t0 };
  },

  /** Resets the counters: a measurement window starts. */
  reset() {
    for (const conn of connections) conn.events = 0;
    histogram.fill(0);
    totals.events = 0;
    totals.bytes = 0;
    totals.reads = 0;
    return {};
  },

  /** The counters since the last reset, plus the state of every connection. */
  read() {
    // By what each connection was opened as: non-readers that read again at the end stay
    // non-readers; connections opened as load only are in neither.
    const readers = [...connections].filter((c) => c.spec.reading !== false && c.spec.measured !== false);
    const stuck = [...connections].filter((c) => c.spec.reading === false);
    return {
      ...totals,
      histogram: compact(histogram),
      readers: summary(readers),
      nonReaders: summary(stuck),
    };
  },

  /** Closes every connection (FIN, as a client that goes away does); the specs are kept for `storm`. */
  disconnectAll() {
    closedSpecs = [...connections].map((c) => c.spec);
    for (const conn of connections) conn.socket.destroy();
    connections.clear();
    return { closed: closedSpecs.length };
  },

  /**
   * The connect storm: every connection closed by `disconnectAll` is reopened, the reopenings
   * spread evenly over `windowMs`. Resolves when every one has its snapshot or `timeoutMs` passed.
   */
  async storm({ windowMs, timeoutMs }) {
    const specs = closedSpecs;
    closedSpecs = [];
    const t0 = Date.now();
    const opened = [];
    const gap = specs.length > 0 ? windowMs / specs.length : 0;
    for (let i = 0; i < specs.length; i += 1) {
      const due = t0 + i * gap;
      const wait = due - Date.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      opened.push(await openConnection(specs[i]));
    }
    await waitUntil(() => opened.every((c) => c.snapshot || c.ended), timeoutMs);
    const result = summary(opened);
    return { ...result, allSnapshotsWithinMs: Date.now() - t0 };
  },

  /**
   * Non-readers read again, so the generator can see which of them the server had closed: waits
   * until every resumed connection has ended, at most `waitMs`.
   */
  async resumeAll({ waitMs }) {
    const resumed = [];
    for (const conn of connections) {
      if (conn.reading) continue;
      conn.reading = true;
      conn.socket.resume();
      resumed.push(conn);
    }
    await waitUntil(() => resumed.every((c) => c.ended), waitMs);
    return {};
  },

  /** Resets every connection (RST: no TIME_WAIT left behind for the next run). */
  closeAll() {
    for (const conn of connections) conn.socket.resetAndDestroy();
    connections.clear();
    return {};
  },
};

parentPort.on('message', async ({ id, command, args }) => {
  try {
    parentPort.postMessage({ id, result: await commands[command](args ?? {}) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});
