/**
 * Child processes of a benchmark run: started with the output the harness needs, measured
 * from /proc (RSS, CPU seconds), and all killed when the run ends, whatever happens.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const readline = require('node:readline');

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

const children = new Set();

function killAll() {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Starts `command` with `args`; stdout is read line by line, stderr passes through. */
function start(command, args, env = {}) {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const lines = readline.createInterface({ input: child.stdout });
  return { child, lines };
}

/** Resolves with the first non-undefined `test(line)`. */
function waitForLine(lines, test, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const onLine = (line) => {
      const found = test(line);
      if (found === undefined) return;
      clearTimeout(timer);
      lines.off('line', onLine);
      resolve(found);
    };
    lines.on('line', onLine);
  });
}

async function stop(child, timeoutMs = 3_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/**
 * The name and CPU time (s, user + system) in the text of a /proc/<pid>[/task/<tid>]/stat file.
 * The name is in parentheses and may hold spaces and ')': the fields follow the last ')'.
 */
function statCpu(stat) {
  const nameEnd = stat.lastIndexOf(')');
  const fields = stat.slice(nameEnd + 2).split(' ');
  return {
    name: stat.slice(stat.indexOf('(') + 1, nameEnd),
    seconds: (Number(fields[11]) + Number(fields[12])) / USER_HZ,
  };
}

/** RSS (KiB) and CPU time (s, user + system, all threads) of the given pids, summed. */
function procStats(pids) {
  let rssKb = 0;
  let cpuSeconds = 0;
  for (const pid of pids) {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
    cpuSeconds += statCpu(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).seconds;
  }
  return { rssKb, cpuSeconds };
}

/**
 * CPU time (s) of every thread on the machine, by thread id: { pid (its process), name, seconds }.
 * Two readings tell who used the CPU between them, kernel threads included.
 */
function threadCpuSeconds() {
  const threads = new Map();
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let tids;
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // gone meanwhile
    }
    for (const tid of tids) {
      let stat;
      try {
        stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      } catch {
        continue;
      }
      threads.set(tid, { pid: Number(pid), ...statCpu(stat) });
    }
  }
  return threads;
}

/**
 * The threads outside `knownPids` that used the most CPU between two threadCpuSeconds readings,
 * as "name pct%" (percent of one core over `elapsedSeconds`), at most `count`, none under 1 %.
 */
function busiestForeignThreads(before, after, knownPids, elapsedSeconds, count = 3) {
  const known = new Set(knownPids);
  const busy = [];
  for (const [tid, thread] of after) {
    if (known.has(thread.pid)) continue;
    const percent = ((thread.seconds - (before.get(tid)?.seconds ?? 0)) / elapsedSeconds) * 100;
    if (percent >= 1) busy.push({ name: thread.name, percent });
  }
  return busy
    .sort((a, b) => b.percent - a.percent)
    .slice(0, count)
    .map((thread) => `${thread.name} ${thread.percent.toFixed(0)}%`)
    .join(', ');
}

/** CPU time (s) the whole machine spent busy, all cores (from /proc/stat). */
function machineBusySeconds() {
  const fields = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + (steal ?? 0)) / USER_HZ;
}

/**
 * Starts a measurement window; `finish()` tells how long it lasted, the CPU the `knownPids`
 * (this run's processes) used in it, and what the rest of the machine used meanwhile (other
 * work, kernel threads: the noise in the run's figures) and who used most of it.
 */
function startCpuWindow(knownPids) {
  const startedAt = performance.now();
  const knownBefore = procStats(knownPids).cpuSeconds;
  const machineBefore = machineBusySeconds();
  const threadsBefore = threadCpuSeconds();
  return () => {
    const elapsedSeconds = (performance.now() - startedAt) / 1000;
    const knownCpuSeconds = procStats(knownPids).cpuSeconds - knownBefore;
    const foreign = machineBusySeconds() - machineBefore - knownCpuSeconds;
    return {
      elapsedSeconds,
      knownCpuSeconds,
      otherCpuPercent: (Math.max(0, foreign) / elapsedSeconds) * 100,
      otherThreads: busiestForeignThreads(threadsBefore, threadCpuSeconds(), knownPids, elapsedSeconds),
    };
  };
}

/**
 * Connections the kernel dropped because a listener's accept queue was full (TcpExt
 * ListenOverflows, this network namespace): a client whose SYN is dropped retries after 1 s, 3 s...
 */
function listenOverflows() {
  const lines = fs.readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const header = lines.find((line) => line.startsWith('TcpExt:'));
  const values = lines.filter((line) => line.startsWith('TcpExt:'))[1];
  if (!header || !values) return NaN;
  const index = header.split(' ').indexOf('ListenOverflows');
  return Number(values.split(' ')[index]);
}

/** Pids whose parent is `pid` (nginx workers of a master). */
function childPids(pid) {
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[1]) === pid) found.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return found;
}

/** The soft limit of open files of this process. */
function openFileLimit() {
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  const match = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(limits);
  return match ? (match[1] === 'unlimited' ? Infinity : Number(match[1])) : 0;
}

module.exports = {
  start,
  stop,
  waitForLine,
  procStats,
  machineBusySeconds,
  threadCpuSeconds,
  busiestForeignThreads,
  startCpuWindow,
  listenOverflows,
  childPids,
  openFileLimit,
  killAll,
};
