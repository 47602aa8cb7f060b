/**
 * Prints what the demo runs: a table of every process (name, URL, pid, state) once all have
 * started, then one line whenever a process's state changes, read from its own status
 * endpoint about once a second. Lines have one shape, `name  url  pid N  state`, so scripts
 * (and the demo's test) can read them too.
 */

/** How often each process's state is read (ms). */
const POLL_INTERVAL_MS = 1_000;
/** pino's numeric levels: warn and above are shown. */
const WARN_LEVEL = 40;
const LEVEL_NAMES = { 40: 'warn', 50: 'error', 60: 'fatal' };

class StatePrinter {
  constructor(output = process.stdout) {
    this.output = output;
    this.instances = [];
    this.lastState = new Map();
    this.timer = undefined;
    this.polling = false;
  }

  /** Prints the table and starts following the states. */
  async start(instances) {
    this.instances = instances;
    this.output.write('\ntickwire demo is running (Ctrl-C stops everything):\n');
    await this.poll();
    this.output.write(
      [
        '',
        'try:',
        ...this.instances
          .filter((instance) => instance.block.name === 'market-data')
          .map((instance) => `  curl -N '${instance.url}/v1/stream?symbols=BTCUSDT'`),
        `  curl '${this.instances.find((i) => i.block.name === 'market-data')?.url}/v1/prices'`,
        `  open ${this.instances.find((i) => i.block.name === 'market-data')?.url}/   # the dashboard, in a browser`,
        ...this.instances
          .filter((instance) => instance.block.name === 'gateway')
          .flatMap((instance) => [
            `  curl '${instance.url}/v1/prices?symbols=BTCUSDT'   # the gateway (anonymous: prices only)`,
            `  REDIS_URL=${this.instances.find((i) => i.block.name === 'redis')?.url} pnpm keys create --scope read --name me   # a key for the rest`,
          ]),
        `  curl '${this.instances.find((i) => i.block.name === 'scanner')?.url}/health'`,
        '',
      ].join('\n'),
    );
    this.timer = setInterval(() => void this.poll(), POLL_INTERVAL_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A lifecycle event from the supervisor: printed at once. */
  event(instance, event) {
    this.printWarnings(instance);
    const state = event === 'exited' ? `exited (${instance.exit})` : event;
    this.print(instance, state);
  }

  async poll() {
    if (this.polling) return;
    this.polling = true;
    try {
      const states = await Promise.all(this.instances.map((instance) => this.stateOf(instance)));
      this.instances.forEach((instance, i) => {
        this.printWarnings(instance);
        const key = `${instance.child?.pid}:${states[i]}`;
        if (this.lastState.get(instance.name) === key) return;
        this.lastState.set(instance.name, key);
        this.print(instance, states[i]);
      });
    } finally {
      this.polling = false;
    }
  }

  async stateOf(instance) {
    if (!instance.child) return 'external';
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) return 'restarting';
    try {
      return await instance.block.describe(instance);
    } catch {
      return 'not answering';
    }
  }

  /** Warnings and errors a process logged since the last poll, one line each. */
  printWarnings(instance) {
    const logs = instance.logs ?? [];
    for (; instance.logsPrinted < logs.length; instance.logsPrinted++) {
      const entry = logs[instance.logsPrinted];
      if (!(entry.level >= WARN_LEVEL)) continue;
      const detail = entry.err ? `: ${entry.err.message ?? entry.err}` : '';
      this.output.write(
        `${instance.name.padEnd(14)} ${LEVEL_NAMES[entry.level] ?? entry.level} ${entry.msg}${detail}\n`,
      );
    }
  }

  print(instance, state) {
    const pid = instance.child ? `pid ${instance.child.pid}` : 'pid -';
    this.output.write(`${instance.name.padEnd(14)} ${instance.url.padEnd(26)} ${pid.padEnd(11)} ${state}\n`);
  }
}

module.exports = { StatePrinter };
