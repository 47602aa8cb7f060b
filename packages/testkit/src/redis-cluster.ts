/**
 * A real local Redis Cluster for tests: N masters started from the `redis-server` binary and
 * joined with `redis-cli --cluster create`, without replicas or persistence. Code that must
 * hold on a cluster (hash-tagged keys, multi-key Lua, streams, pub/sub) is tested against it,
 * because a single Redis accepts cross-slot commands a cluster rejects.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isPortFree, killProcess, spawnRedisServer } from './redis-server';
import { redisCli } from './redis-cli';
import { waitFor } from './wait-for';

export interface TestRedisCluster {
  /** "127.0.0.1:port" of every master, for ioredis `new Cluster([...])`. */
  nodes: { host: string; port: number }[];
  /** SIGKILLs every server and removes their directories; idempotent. */
  stop(): Promise<void>;
}

export interface TestRedisClusterOptions {
  /** Number of masters, at least 3 (Redis Cluster's own minimum). */
  masters?: number;
}

export const DEFAULT_CLUSTER_MASTERS = 3;
/** `redis-cli --cluster create` refuses fewer masters than this. */
const MIN_CLUSTER_MASTERS = 3;
const HOST = '127.0.0.1';
/** Each node also listens on its client port plus this, for the cluster bus (fixed by Redis). */
const CLUSTER_BUS_PORT_OFFSET = 10_000;
const MAX_PORT = 65_535;
/** Short so a killed node is noticed quickly by its peers in failure tests. */
const CLUSTER_NODE_TIMEOUT_MS = 2_000;
const PORT_PICK_ATTEMPTS = 50;
/** Another test may take a port between our check and the server's bind: pick again. */
const NODE_START_ATTEMPTS = 3;
/**
 * `--cluster create` sleeps 1 s after the MEETs, then polls each second until the nodes agree;
 * with a 2 s node timeout that took 1 to 6 s here, so this leaves room on a loaded CI box.
 */
const CLUSTER_CREATE_TIMEOUT_MS = 12_000;
/** The nodes usually report ok within a second of `--cluster create` returning. */
const CLUSTER_OK_TIMEOUT_MS = 5_000;
const CLUSTER_INFO_TIMEOUT_MS = 2_000;
const CLUSTER_OK_POLL_MS = 100;

interface StartedNode {
  port: number;
  dir: string;
  proc: ChildProcess;
}

/**
 * Starts a Redis Cluster of `masters` nodes on free ports of 127.0.0.1 and resolves once every
 * node reports `cluster_state:ok`. On failure everything started is killed and the error
 * carries redis-cli's output.
 */
export async function startTestRedisCluster(
  options: TestRedisClusterOptions = {},
): Promise<TestRedisCluster> {
  const masters = options.masters ?? DEFAULT_CLUSTER_MASTERS;
  if (!Number.isInteger(masters) || masters < MIN_CLUSTER_MASTERS) {
    throw new Error(`masters must be an integer >= ${MIN_CLUSTER_MASTERS}, got ${masters}`);
  }
  const started: StartedNode[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopNodes(started));
  try {
    const reserved = new Set<number>();
    for (let i = 0; i < masters; i++) started.push(await startNode(reserved));
    const ports = started.map((node) => node.port);
    await redisCli(
      [
        '--cluster',
        'create',
        ...ports.map((port) => `${HOST}:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      CLUSTER_CREATE_TIMEOUT_MS,
    );
    await waitForClusterOk(ports);
    return { nodes: ports.map((port) => ({ host: HOST, port })), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startNode(reserved: Set<number>): Promise<StartedNode> {
  for (let attempt = 1; ; attempt++) {
    const port = await pickClusterPort(reserved);
    const dir = await mkdtemp(join(tmpdir(), 'tickwire-redis-cluster-'));
    try {
      const proc = await spawnRedisServer([
        '--port',
        String(port),
        '--bind',
        HOST,
        '--cluster-enabled',
        'yes',
        // Relative to --dir: one directory per node keeps the nodes.conf files apart.
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        String(CLUSTER_NODE_TIMEOUT_MS),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ]);
      return { port, dir, proc };
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      const raced = error instanceof Error && error.message.includes('Address already in use');
      if (!raced || attempt >= NODE_START_ATTEMPTS) throw error;
    }
  }
}

/** A free port whose cluster bus port is free too, distinct from the ports already chosen. */
async function pickClusterPort(reserved: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < PORT_PICK_ATTEMPTS; attempt++) {
    const port = await freePort();
    const bus = port + CLUSTER_BUS_PORT_OFFSET;
    if (bus > MAX_PORT || reserved.has(port) || reserved.has(bus)) continue;
    if (!(await isPortFree(bus))) continue;
    reserved.add(port);
    reserved.add(bus);
    return port;
  }
  throw new Error(
    `no free port with a free cluster bus port (+${CLUSTER_BUS_PORT_OFFSET}) after ${PORT_PICK_ATTEMPTS} tries`,
  );
}

/**
 * `--cluster create` returns once the nodes agree on the configuration, but a node only
 * serves keys once it has seen every slot covered, so each one is asked directly.
 */
async function waitForClusterOk(ports: readonly number[]): Promise<void> {
  const lastInfo = new Map<number, string>();
  const isOk = (info: string) => {
    const known = /cluster_known_nodes:(\d+)/.exec(info)?.[1];
    return info.includes('cluster_state:ok') && Number(known) === ports.length;
  };
  try {
    await waitFor(
      async () => {
        const infos = await Promise.all(
          ports.map((port) =>
            redisCli(['-h', HOST, '-p', String(port), 'cluster', 'info'], CLUSTER_INFO_TIMEOUT_MS),
          ),
        );
        ports.forEach((port, i) => lastInfo.set(port, infos[i] ?? ''));
        return infos.every(isOk);
      },
      {
        timeoutMs: CLUSTER_OK_TIMEOUT_MS,
        intervalMs: CLUSTER_OK_POLL_MS,
        what: 'cluster_state:ok on every node',
      },
    );
  } catch (error) {
    const infos = [...lastInfo].map(([port, info]) => `--- ${HOST}:${port}\n${info}`).join('\n');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\nlast CLUSTER INFO:\n${infos || '(none)'}`, { cause: error });
  }
}

async function stopNodes(nodes: readonly StartedNode[]): Promise<void> {
  await Promise.all(nodes.map((node) => killProcess(node.proc)));
  await Promise.all(nodes.map((node) => rm(node.dir, { recursive: true, force: true })));
}
