/**
 * Preloaded into a pod by the soak (`node --expose-gc --require bench/lib/memory-probe.js`), never
 * by the product: on SIGUSR2 it runs two full garbage collections and prints one JSON line with
 * what is still alive. A leak shows as a rising live heap (or external memory) after full GCs;
 * RSS and heap-used samples between GCs saw-tooth with garbage and cannot tell a leak from heap
 * growth V8 has not collected yet.
 */
process.on('SIGUSR2', () => {
  const startedAt = performance.now();
  // The second collection frees what finalizers and weak callbacks of the first released.
  global.gc();
  global.gc();
  const pauseMs = performance.now() - startedAt;
  process.stdout.write(`${JSON.stringify({ memoryProbe: { ...process.memoryUsage(), pauseMs } })}\n`);
});
