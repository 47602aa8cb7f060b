/**
 * Supervises the demo's processes the way an orchestrator would: starts the instances of each
 * service in order, starts an instance again (on the same port) when it exits while the demo
 * runs, and on stop ends them in reverse order, SIGTERM first and SIGKILL past a deadline.
 * Whatever happens to the demo itself (an exception, a second Ctrl-C), every child is killed
 * before it exits, so no process outlives it.
 */

/** A crash-looping instance waits this long before its next start, doubling up to the cap (ms). */
const RESTART_DELAY_MS = 500;
const RESTART_DELAY_MAX_MS = 30_000;
/** An instance that ran this long is healthy again: its next restart waits the base delay (ms). */
const HEALTHY_RUN_MS = 10_000;

class Supervisor {
  /** @param {{ onEvent: (instance: object, event: string) => void }} options */
  constructor(options) {
    this.onEvent = options.onEvent;
    /** Every instance, in start order. */
    this.instances = [];
    this.stopping = false;
    process.on('exit', () => this.killAll());
  }

  /**
   * Starts `replicas` instances of a service block one after the other. A block's
   * `start(context)` resolves with `{ child, url, port }` once the instance serves;
   * `context.port` is the port to reuse (0 the first time).
   */
  async startService(block) {
    const replicas = block.replicas ?? 1;
    for (let index = 1; index <= replicas && !this.stopping; index++) {
      const name = replicas > 1 ? `${block.name}-${index}` : block.name;
      const instance = { name, block, index, port: 0, url: '', child: undefined, startedAt: 0, restarts: 0 };
      this.instances.push(instance);
      await this.launch(instance);
    }
  }

  async launch(instance) {
    const started = await instance.block.start({
      index: instance.index,
      name: instance.name,
      port: instance.port,
    });
    Object.assign(instance, {
      child: started.child,
      url: started.url,
      port: started.port,
      // Parsed JSON log lines of the process, when its block keeps them (the pods).
      logs: started.logs ?? [],
      logsPrinted: 0,
      startedAt: Date.now(),
    });
    // Started while the demo was being stopped: stop() may have passed this instance already.
    if (this.stopping) return terminate(started.child, instance.block.stopTimeoutMs ?? 5_000);
    this.onEvent(instance, 'started');
    started.child.once('exit', (code, signal) => this.exited(instance, started.child, code, signal));
  }

  exited(instance, child, code, signal) {
    if (instance.child !== child) return;
    instance.exit = signal ?? `code ${code}`;
    this.onEvent(instance, 'exited');
    if (this.stopping || instance.block.restart === false) return;
    const ranMs = Date.now() - instance.startedAt;
    instance.restarts = ranMs >= HEALTHY_RUN_MS ? 0 : instance.restarts + 1;
    const delayMs = Math.min(
      RESTART_DELAY_MAX_MS,
      RESTART_DELAY_MS * 2 ** Math.max(0, instance.restarts - 1),
    );
    instance.restartTimer = setTimeout(
      () => {
        instance.restartTimer = undefined;
        if (this.stopping) return;
        this.launch(instance).catch((error) => {
          instance.exit = `failed to start: ${error.message}`;
          this.onEvent(instance, 'exited');
        });
      },
      instance.restarts === 0 ? 0 : delayMs,
    );
  }

  /** Ends every instance, last started first; resolves once all have exited. */
  async stop() {
    this.stopping = true;
    for (const instance of [...this.instances].reverse()) {
      clearTimeout(instance.restartTimer);
      await terminate(instance.child, instance.block.stopTimeoutMs ?? 5_000);
    }
  }

  killAll() {
    for (const { child } of this.instances) if (isRunning(child)) child.kill('SIGKILL');
  }
}

function isRunning(child) {
  return (
    child !== undefined && child.pid !== undefined && child.exitCode === null && child.signalCode === null
  );
}

/** SIGTERM, then SIGKILL when the process is still there after `timeoutMs`. */
async function terminate(child, timeoutMs) {
  if (!isRunning(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

module.exports = { Supervisor, isRunning };
