#!/usr/bin/env node
/**
 * What one fan-out write costs in user space, in instructions (valgrind's callgrind), which do not
 * vary with the machine's load the way timings do on these shared VMs: the pod's write
 * (SseWriter.write of a shared, pre-encoded frame), fs.writeSync of the same bytes (the cheapest
 * write reachable from JavaScript) and the naive baseline's (JSON.stringify + res.write per
 * client). The kernel's part of a write is not counted: on the VMs of bench/RESULTS.md it is most
 * of the cost (perf), so this bounds what user-space work can still gain.
 *
 *   pnpm build && node bench/write-cost.js [--clients 300] [--rounds 40:140] [--node <path>]
 *
 * Each path runs twice under callgrind, with the two round counts; the difference, less that of
 * rounds without writes, divided by the extra writes, is the cost per write (start-up cancels
 * out). Then each path runs TIMING_RUNS times without valgrind (1,000 clients, interleaved), for
 * the CPU time of a write, user and system (the kernel's part) apart, the median run of each.
 * Needs valgrind (Debian: apt-get install -y valgrind); this script installs nothing.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { markdownTable, ratio } = require('./lib/table');

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg, i, all) => (arg.startsWith('--') ? [[arg.slice(2), all[i + 1]]] : [])),
);
const CLIENTS = Number(args.clients ?? 300);
const [FEW_ROUNDS, MANY_ROUNDS] = (args.rounds ?? '40:140').split(':').map(Number);
const NODE = args.node ?? process.execPath;
const TARGET = path.join(__dirname, 'lib', 'write-cost-target.js');
const TIMING_RUNS = 3;
const TIMING_CLIENTS = 1_000;
const TIMING_ROUNDS = 200;

const PATHS = [
  { mode: 'pod', name: 'pod: SseWriter.write, shared frame, raw write' },
  { mode: 'fs', name: 'fs.writeSync of the same bytes' },
  { mode: 'naive', name: 'naive: JSON.stringify + res.write' },
];

/** The target's environment: which writes, to how many clients, how many rounds. */
function targetEnv(mode, clients, rounds, extra = {}) {
  return {
    ...process.env,
    MODE: mode,
    N: String(clients),
    ROUNDS: String(rounds),
    CLIENT_NODE: process.execPath,
    ...extra,
  };
}

/** Instructions callgrind counted for one run of the target. */
function instructions(mode, rounds) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'write-cost-')), 'callgrind.out');
  const run = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, NODE, TARGET], {
    env: targetEnv(mode, CLIENTS, rounds),
    encoding: 'utf8',
    timeout: 300_000,
  });
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  const collected = /Collected : (\d+)/.exec(run.stderr ?? '');
  if (run.status !== 0 || collected === null)
    throw new Error(
      `callgrind run ${mode}/${rounds} failed (status ${run.status}): ${run.stderr?.slice(-500)}`,
    );
  return Number(collected[1]);
}

/** CPU time of one write of `mode` (µs), user and system, from one run without valgrind. */
function cpuPerWrite(mode) {
  const run = spawnSync(NODE, [TARGET], {
    env: targetEnv(mode, TIMING_CLIENTS, TIMING_ROUNDS, { TIMING: '1' }),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`timing run ${mode} failed: ${run.stderr?.slice(-500)}`);
  const { userUs, systemUs, writes } = JSON.parse(run.stdout.trim().split('\n').pop());
  return { user: userUs / writes, system: systemUs / writes, total: (userUs + systemUs) / writes };
}

/** Instructions per extra round of `mode`. */
function perRound(mode) {
  return (instructions(mode, MANY_ROUNDS) - instructions(mode, FEW_ROUNDS)) / (MANY_ROUNDS - FEW_ROUNDS);
}

function main() {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.error('valgrind not found: apt-get install -y valgrind');
    process.exit(2);
  }
  const version = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(
    `write-cost: node ${version}, ${CLIENTS} clients, rounds ${FEW_ROUNDS} and ${MANY_ROUNDS}, ${os.cpus()[0]?.model}`,
  );
  const idle = perRound('idle');
  const rows = PATHS.map(({ mode, name }) => ({ mode, name, perWrite: (perRound(mode) - idle) / CLIENTS }));
  const timings = new Map(PATHS.map(({ mode }) => [mode, []]));
  for (let run = 0; run < TIMING_RUNS; run += 1)
    for (const { mode } of PATHS) timings.get(mode).push(cpuPerWrite(mode));
  const median = (runs) => [...runs].sort((a, b) => a.total - b.total)[Math.floor(runs.length / 2)];
  for (const row of rows) row.cpu = median(timings.get(row.mode));
  const pod = rows[0];
  console.log(
    markdownTable(
      rows.map((row) => ({
        'write path': row.name,
        'instructions per write (user space)': Math.round(row.perWrite),
        'vs pod': ratio(row.perWrite, pod.perWrite),
        'CPU µs per write: user': row.cpu.user,
        system: row.cpu.system,
        total: row.cpu.total,
        'total vs pod': ratio(row.cpu.total, pod.cpu.total),
      })),
    ),
  );
  const naive = rows.find((row) => row.mode === 'naive');
  console.log(
    `\nA pod whose user-space part cost nothing would still pay the kernel's ${pod.cpu.system.toFixed(1)} µs per write: per write it could be at most ${ratio(naive.cpu.total, pod.cpu.system)} cheaper than the naive baseline on this machine (now ${ratio(naive.cpu.total, pod.cpu.total)}).`,
  );
}

main();
