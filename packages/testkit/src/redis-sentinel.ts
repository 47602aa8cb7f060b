/**
 * A real local Redis Sentinel for tests: a master and its replica from the `redis-server`
 * binary, watched by N sentinels. Code that finds its Redis through Sentinel (ioredis
 * `{ sentinels, name }`) is tested against it, so the discovery path runs for real instead of a
 * direct connection, and a killed master is replaced by Sentinel promoting the replica.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killProcess, startRedisBinary, type TestRedis } from './redis-server';
import { redisCli } from './redis-cli';
import { WaitAborted, waitFor } from './wait-for';

export interface TestRedisSentinel {
  /** Sentinel addresses, for ioredis `new Redis({ sentinels, name })`. */
  sentinels: { host: string; port: number }[];
  /** The master group name the sentinels monitor. */
  masterName: string;
  /** The master the setup started with (Sentinel may since have promoted the replica). */
  master: RedisAddress;
  /** The master's replica, connected and known to every sentinel: what a failover promotes. */
  replica: RedisAddress;
  /** SIGKILLs the master the setup started with, as a crash would; the sentinels see it go. */
  killMaster(): Promise<void>;
  /**
   * Asks the first sentinel for a failover with the master alive (`SENTINEL FAILOVER`, as for
   * maintenance): the replica is promoted at once, the old master is demoted seconds later.
   */
  failover(): Promise<void>;
  /** The master's address as the first sentinel names it now. */
  currentMaster(): Promise<RedisAddress | undefined>;
  /** SIGKILLs the sentinels and both servers and removes the sentinels' directories; idempotent. */
  stop(): Promise<void>;
}

export interface RedisAddress {
  host: string;
  port: number;
}

export interface TestRedisSentinelOptions {
  /** Number of sentinels, at least 1. */
  sentinels?: number;
  /** The master group name, as clients pass it in `name`. */
  masterName?: string;
}

export const DEFAULT_SENTINELS = 1;
export const DEFAULT_SENTINEL_MASTER_NAME = 'tickwire';
const HOST = '127.0.0.1';
/** One sentinel may declare the master down alone, so even the default single sentinel can fail over. */
const SENTINEL_QUORUM = 1;
/** Short so a killed master is noticed quickly in failover tests (Redis defaults to 30 s). */
const SENTINEL_DOWN_AFTER_MS = 2_000;
/** Redis defaults to 3 min; a failover that has not finished in 10 s here has failed. */
const SENTINEL_FAILOVER_TIMEOUT_MS = 10_000;
/** Another test may take a port between our pick and the server's bind: pick again. */
const START_ATTEMPTS = 3;
/** A sentinel connects to the master within tens of milliseconds here; this allows a loaded CI box. */
const SENTINEL_READY_TIMEOUT_MS = 5_000;
/** A replica on the same host syncs an empty master in milliseconds; this allows a loaded CI box. */
const REPLICA_SYNC_TIMEOUT_MS = 5_000;
const SENTINEL_READY_POLL_MS = 50;
const REDIS_CLI_TIMEOUT_MS = 1_000;
/**
 * For both servers, since a failover turns either into a replica: sync at once (Redis waits 5 s
 * by default in case more replicas come), and load the master's data from the socket, not via
 * a dump.rdb written into the tests' working directory.
 */
const REPLICATION_ARGS = ['--repl-diskless-sync-delay', '0', '--repl-diskless-load', 'swapdb'];
/** Fatal start-up errors (bad config line, port in use) are logged last, so the tail is kept. */
const OUTPUT_TAIL_CHARS = 800;
const ADDRESS_IN_USE = 'Address already in use';

interface StartedSentinel {
  port: number;
  dir: string;
  proc: ChildProcess;
}

/**
 * Starts a master and `sentinels` sentinels on free ports of 127.0.0.1 and resolves once every
 * sentinel names the master and is connected to it. On failure everything started is killed
 * and the error carries the sentinel's output and its last answers.
 */
export async function startTestRedisSentinel(
  options: TestRedisSentinelOptions = {},
): Promise<TestRedisSentinel> {
  const count = options.sentinels ?? DEFAULT_SENTINELS;
  const masterName = options.masterName ?? DEFAULT_SENTINEL_MASTER_NAME;
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`sentinels must be an integer >= 1, got ${count}`);
  }
  // Sentinel reads the name as one config word; anything else would be a confusing config error.
  if (!/^[\w.-]+$/.test(masterName)) {
    throw new Error(`masterName must be letters, digits, '_', '.' or '-', got ${JSON.stringify(masterName)}`);
  }
  const servers: TestRedis[] = [];
  const started: StartedSentinel[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopAll(started, servers));
  try {
    const master = await retryOnPortRace(() => startRedisBinary(REPLICATION_ARGS));
    servers.push(master);
    const masterPort = portOf(master);
    // Before the sentinels: a sentinel learns of the replicas from its first INFO to the master.
    const replica = await retryOnPortRace(() =>
      startRedisBinary([...REPLICATION_ARGS, '--replicaof', HOST, String(masterPort)]),
    );
    servers.push(replica);
    const replicaPort = portOf(replica);
    await waitForReplicaSynced(replicaPort);
    // One at a time: a sentinel listens before the next port is picked, so none are shared.
    for (let i = 0; i < count; i++) {
      started.push(await retryOnPortRace(() => startSentinel(masterName, masterPort, replicaPort)));
    }
    const firstSentinel = started[0]!.port;
    return {
      sentinels: started.map((sentinel) => ({ host: HOST, port: sentinel.port })),
      masterName,
      master: { host: HOST, port: masterPort },
      replica: { host: HOST, port: replicaPort },
      killMaster: () => master.kill!(),
      failover: async () => {
        // redis-cli exits 0 on an error reply, so the answer itself is checked.
        const reply = await sentinelCli(firstSentinel, 'sentinel', 'failover', masterName);
        if (reply !== 'OK') throw new Error(`SENTINEL FAILOVER ${masterName} answered ${reply}`);
      },
      currentMaster: async () => {
        const reply = await sentinelCli(firstSentinel, 'sentinel', 'get-master-addr-by-name', masterName);
        const [host, port] = reply.split('\n');
        return host && port ? { host, port: Number(port) } : undefined;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function retryOnPortRace<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const raced = error instanceof Error && error.message.includes(ADDRESS_IN_USE);
      if (!raced || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

const portOf = (server: TestRedis) => Number(new URL(server.url).port);

const sentinelCli = (port: number, ...args: string[]) =>
  redisCli(['-h', HOST, '-p', String(port), ...args], REDIS_CLI_TIMEOUT_MS);

async function waitForReplicaSynced(replicaPort: number): Promise<void> {
  await waitFor(
    async () => (await sentinelCli(replicaPort, 'info', 'replication')).includes('master_link_status:up'),
    {
      timeoutMs: REPLICA_SYNC_TIMEOUT_MS,
      intervalMs: SENTINEL_READY_POLL_MS,
      what: `the replica on port ${replicaPort} to sync with its master`,
    },
  );
}

async function startSentinel(
  masterName: string,
  masterPort: number,
  replicaPort: number,
): Promise<StartedSentinel> {
  const port = await freePort();
  // Sentinel rewrites its config file (its id, epochs, discovered peers), so it gets its own
  // writable directory rather than a shared or read-only file.
  const dir = await mkdtemp(join(tmpdir(), 'tickwire-redis-sentinel-'));
  let proc: ChildProcess | undefined;
  try {
    const configFile = join(dir, 'sentinel.conf');
    await writeFile(configFile, sentinelConfig({ port, dir, masterName, masterPort }));
    // `redis-server --sentinel` rather than `redis-sentinel`: the latter is a symlink that some
    // packages leave out. The config file must come first on the command line.
    const spawned = spawnLogged('redis-server', [configFile, '--sentinel']);
    proc = spawned.proc;
    await waitForSentinelReady(port, masterName, { masterPort, replicaPort }, spawned);
    return { port, dir, proc };
  } catch (error) {
    await killProcess(proc);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function sentinelConfig(params: {
  port: number;
  dir: string;
  masterName: string;
  masterPort: number;
}): string {
  const { port, dir, masterName, masterPort } = params;
  return [
    `port ${port}`,
    `bind ${HOST}`,
    `dir ${JSON.stringify(dir)}`,
    `sentinel monitor ${masterName} ${HOST} ${masterPort} ${SENTINEL_QUORUM}`,
    `sentinel down-after-milliseconds ${masterName} ${SENTINEL_DOWN_AFTER_MS}`,
    `sentinel failover-timeout ${masterName} ${SENTINEL_FAILOVER_TIMEOUT_MS}`,
    '',
  ].join('\n');
}

interface LoggedProcess {
  proc: ChildProcess;
  /** The output so far, or why the process could not be run. */
  output(): string;
  exited(): boolean;
}

/**
 * Spawns a process whose output is drained for its whole life (a full pipe would block its
 * logging) and kept for error messages. spawnRedisServer is not used for sentinels because it
 * waits for "Ready to accept connections", which Redis 7.0 never logs in sentinel mode.
 */
function spawnLogged(command: string, args: readonly string[]): LoggedProcess {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exited = false;
  // Only the tail matters, and a sentinel logs every event for as long as it runs.
  const collect = (chunk: string) => {
    output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
  };
  proc.stdout?.setEncoding('utf8').on('data', collect);
  proc.stderr?.setEncoding('utf8').on('data', collect);
  proc.once('exit', () => (exited = true));
  proc.once('error', (error) => {
    exited = true;
    collect(error.message);
  });
  return { proc, output: () => output, exited: () => exited };
}

/**
 * `get-master-addr-by-name` answers from the config file before the sentinel has reached the
 * master, so the master's flags are checked too: plain `master` means connected and not down.
 * A failover needs the sentinel to know the replica, flagged plain `slave` (reachable, in sync).
 */
async function waitForSentinelReady(
  port: number,
  masterName: string,
  servers: { masterPort: number; replicaPort: number },
  sentinel: LoggedProcess,
): Promise<void> {
  const cli = (...args: string[]) => sentinelCli(port, ...args);
  const expectedAddress = `${HOST}\n${servers.masterPort}`;
  let lastAnswers = '(none)';
  try {
    await waitFor(
      async () => {
        if (sentinel.exited()) {
          throw new WaitAborted(`sentinel on port ${port} exited:\n${sentinel.output()}`);
        }
        const address = await cli('sentinel', 'get-master-addr-by-name', masterName);
        const flags = fieldOf(await cli('sentinel', 'master', masterName), 'flags');
        const replicas = await cli('sentinel', 'replicas', masterName);
        const replicaFlags = fieldOf(replicas, 'flags');
        const replicaPort = fieldOf(replicas, 'port');
        lastAnswers = `get-master-addr-by-name: ${JSON.stringify(address)}, flags: ${JSON.stringify(flags)}, replica: ${JSON.stringify(replicaPort)} ${JSON.stringify(replicaFlags)}`;
        return (
          address === expectedAddress &&
          flags === 'master' &&
          replicaPort === String(servers.replicaPort) &&
          replicaFlags === 'slave'
        );
      },
      {
        timeoutMs: SENTINEL_READY_TIMEOUT_MS,
        intervalMs: SENTINEL_READY_POLL_MS,
        what: `sentinel on port ${port} to report master ${masterName} at ${HOST}:${servers.masterPort} and its replica`,
      },
    );
  } catch (error) {
    if (error instanceof WaitAborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${reason}\nlast answers: ${lastAnswers}\nsentinel output:\n${sentinel.output() || '(none)'}`,
      { cause: error },
    );
  }
}

/** `SENTINEL MASTER` and `SENTINEL REPLICAS` reply with alternating field and value lines (the first entry's). */
function fieldOf(reply: string, field: string): string | undefined {
  const lines = reply.split('\n');
  const index = lines.indexOf(field);
  return index >= 0 ? lines[index + 1] : undefined;
}

async function stopAll(sentinels: readonly StartedSentinel[], servers: readonly TestRedis[]): Promise<void> {
  await Promise.all(sentinels.map((sentinel) => killProcess(sentinel.proc)));
  await Promise.all(servers.map((server) => server.stop()));
  await Promise.all(sentinels.map((sentinel) => rm(sentinel.dir, { recursive: true, force: true })));
}
