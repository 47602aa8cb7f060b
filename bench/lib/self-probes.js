/**
 * What a benchmark process measures of itself: the memory still alive after full garbage
 * collections, and a CPU profile of one window (for finding where a figure's time goes; the
 * profiler slows what it measures, so figures come from runs without it).
 */
const fs = require('node:fs');
const inspector = require('node:inspector/promises');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

// Full collections on demand, without --expose-gc on the command line.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** Heap used and RSS after two full collections (the second frees what the first's finalizers released). */
function liveMemory() {
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

/**
 * Starts profiling when `dir` is set; the returned `stop(name)` writes `<dir>/<name>.cpuprofile`
 * (open it in Chrome's DevTools). Without `dir` both do nothing.
 */
async function startProfile(dir) {
  if (!dir) return async () => undefined;
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  };
}

module.exports = { gc, liveMemory, startProfile };
