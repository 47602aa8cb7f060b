/**
 * A real Redis for tests, found in this order: `REDIS_URL` when set; a testcontainers Redis
 * when a Docker engine answers; else a `redis-server` binary started on a free port (with no
 * persistence), which tests may also kill and restart to simulate an outage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startRedisBinary(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let exited = false;
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    proc.once('exit', () => (exited = true));
    proc.once('error', (error) => {
      exited = true;
      output += error.message;
    });
    await waitFor(
      () => {
        if (exited) throw new WaitAborted(`redis-server did not start: ${output.slice(0, 500)}`);
        return output.includes('Ready to accept connections');
      },
      { timeoutMs: 10_000, what: 'redis-server to be ready' },
    );
    child = proc;
  };
  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await gone;
  };
  await launch();
  return { url: `redis://127.0.0.1:${port}`, kind: 'binary', kill, restart: launch, stop: kill };
}
