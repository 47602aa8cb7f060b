/**
 * A real Redis for tests, found in this order: `REDIS_URL` when set; a testcontainers Redis
 * when a Docker engine answers; else a `redis-server` binary started on a free port (with no
 * persistence), which tests may also kill and restart to simulate an outage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { WaitAborted, waitFor } from './wait-for';

export interface TestRedis {
  url: string;
  /** How it was obtained. */
  kind: 'env' | 'container' | 'binary';
  /** Only for `binary`: stop the server (SIGKILL) and start it again on the same port. */
  kill?(): Promise<void>;
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

const DOCKER_SOCKET = '/var/run/docker.sock';
const REDIS_IMAGE = 'redis:7-alpine';

export async function startTestRedis(options: { forceBinary?: boolean } = {}): Promise<TestRedis> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv && !options.forceBinary) return { url: fromEnv, kind: 'env', stop: async () => {} };
  if (!options.forceBinary && (process.env.DOCKER_HOST || existsSync(DOCKER_SOCKET))) {
    const container = await tryContainer();
    if (container) return container;
  }
  return startRedisBinary();
}

async function tryContainer(): Promise<TestRedis | undefined> {
  try {
    const { GenericContainer } = await import('testcontainers');
    const container = await new GenericContainer(REDIS_IMAGE).withExposedPorts(6379).start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      kind: 'container',
      stop: async () => {
        await container.stop();
      },
    };
  } catch {
    return undefined; // no usable engine: fall back to the binary
  }
}

/** Where free ports are chosen from: up to the ephemeral range. */
const LOWEST_CHOSEN_PORT = 10_000;
/** Below this many ports under the ephemeral range, the OS picks instead. */
const MIN_CHOSEN_RANGE = 1_000;
const PORT_TRIES = 50;
/** Linux's default ephemeral range, where /proc does not tell. */
const DEFAULT_EPHEMERAL_LOW = 32_768;
/** Tries of a test Redis on a newly chosen port when another process took the last one. */
const REDIS_PORT_TRIES = 3;

/** The lowest port of the range the OS picks local ports of outgoing connections and of listen(0) from. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

/**
 * A port on 127.0.0.1 that nothing listens on now, chosen below the ephemeral range. A port the
 * OS picks (listen(0)) comes from that range, where, once closed, it can at once become the local
 * port of one of the tests' many outgoing connections; the server started on it then fails with
 * "Address already in use" (seen: a test Redis, in a loop of whole-suite runs). Where the range
 * leaves no room below it, the OS picks.
 */
export async function freePort(): Promise<number> {
  const span = ephemeralLow() - LOWEST_CHOSEN_PORT;
  if (span >= MIN_CHOSEN_RANGE) {
    for (let attempt = 0; attempt < PORT_TRIES; attempt += 1) {
      const port = LOWEST_CHOSEN_PORT + randomInt(span);
      if (await isPortFree(port)) return port;
    }
  }
  return listenAndClose(0);
}

/** Whether a given port on 127.0.0.1 can be listened on right now. */
export async function isPortFree(port: number): Promise<boolean> {
  return listenAndClose(port).then(
    () => true,
    () => false,
  );
}

async function listenAndClose(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}

/** A `redis-server` on a free port; `extraArgs` (e.g. `--replicaof host port`) go after ours. */
export async function startRedisBinary(extraArgs: readonly string[] = []): Promise<TestRedis> {
  let port = 0;
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = await spawnRedisServer([
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...extraArgs,
    ]);
  };
  const kill = async () => {
    const proc = child;
    child = undefined;
    await killProcess(proc);
  };
  for (let attempt = 1; ; attempt += 1) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      // Another process took the port between the check and redis-server's bind: choose again.
      if (attempt >= REDIS_PORT_TRIES || !(error as Error).message.includes('Address already in use'))
        throw error;
    }
  }
  return { url: `redis://127.0.0.1:${port}`, kind: 'binary', kill, restart: launch, stop: kill };
}

/**
 * Starts `redis-server` with these arguments and resolves once it accepts connections. If it
 * never gets there it is killed, so a failed start leaves no process behind.
 */
export async function spawnRedisServer(args: readonly string[]): Promise<ChildProcess> {
  const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let ready = false;
  let exited = false;
  // Both pipes are drained for the life of the server: a full pipe would block its logging.
  // Only the start-up lines are kept, for the error message.
  const collect = (chunk: string) => {
    if (!ready) output += chunk;
  };
  proc.stdout.setEncoding('utf8').on('data', collect);
  proc.stderr.setEncoding('utf8').on('data', collect);
  proc.once('exit', () => (exited = true));
  proc.once('error', (error) => {
    exited = true;
    output += error.message;
  });
  try {
    await waitFor(
      () => {
        // The reason (e.g. "Address already in use") is logged last, so keep the tail.
        if (exited) throw new WaitAborted(`redis-server did not start: ${output.slice(-800)}`);
        return output.includes('Ready to accept connections');
      },
      { timeoutMs: 10_000, what: `redis-server ${args.join(' ')} to be ready` },
    );
  } catch (error) {
    await killProcess(proc);
    throw error;
  }
  ready = true;
  return proc;
}

/** SIGKILLs a process and resolves once it has exited; a no-op when it is already gone. */
export async function killProcess(proc: ChildProcess | undefined): Promise<void> {
  // A process killed by a signal keeps exitCode null, so signalCode must be checked too or
  // we would wait for an 'exit' that already happened; no pid means it never started.
  if (!proc || proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGKILL');
  await gone;
}
