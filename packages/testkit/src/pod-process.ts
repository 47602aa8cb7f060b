/**
 * Starts a real service as a child process (the built `dist/main.js` of market-data, the scanner
 * or the gateway), waits for its "listening" log line, and kills it for real. Every process started
 * here is killed by `stop()`. `spawnPodProcess` starts one without waiting, for tests of a pod
 * that must not get that far.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { WaitAborted, waitFor } from './wait-for';

export const POD_MAIN = resolve(__dirname, '../../../services/market-data/dist/main.js');
export const SCANNER_MAIN = resolve(__dirname, '../../../services/scanner/dist/main.js');
export const GATEWAY_MAIN = resolve(__dirname, '../../../services/gateway/dist/main.js');

/**
 * How long a service process gets to log "listening": node's start, loading the built code and
 * the service's start-up, on a CI machine busy with other test processes.
 */
export const SERVICE_LISTEN_TIMEOUT_MS = 10_000;

export interface PodProcess extends SpawnedPod {
  readonly port: number;
  readonly url: string;
}

export interface SpawnedPod {
  readonly process: ChildProcess;
  /** Parsed JSON log lines, in order. */
  readonly logs: Record<string, unknown>[];
  /** Raw stderr text. */
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running; idempotent. */
  stop(): Promise<void>;
}

/** Starts a pod and returns at once; `stop()` it in a finally. */
export function spawnPodProcess(env: Record<string, string>): SpawnedPod {
  return spawnServiceProcess(POD_MAIN, env);
}

/** Starts the service whose entry point is `main` and returns at once; `stop()` it in a finally. */
export function spawnServiceProcess(main: string, env: Record<string, string>): SpawnedPod {
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.once('exit', (code, signal) => (exit = { code, signal }));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ msg: line, unparsed: true });
    }
  });

  return {
    process: child,
    logs,
    stderr: () => stderr,
    kill: (signal) => {
      if (!exit) child.kill(signal);
    },
    exited: (ms) => waitFor(() => exit, { timeoutMs: ms, what: 'process exit' }),
    stop: async () => {
      if (exit) return;
      child.kill('SIGKILL');
      await waitFor(() => exit, { timeoutMs: 5_000, what: 'process exit after SIGKILL' });
    },
  };
}

export async function startPodProcess(
  env: Record<string, string>,
  timeoutMs = SERVICE_LISTEN_TIMEOUT_MS,
): Promise<PodProcess> {
  return startServiceProcess(POD_MAIN, env, timeoutMs);
}

/** Starts a scanner (`services/scanner/dist/main.js`) and waits until it listens. */
export async function startScannerProcess(
  env: Record<string, string>,
  timeoutMs = SERVICE_LISTEN_TIMEOUT_MS,
): Promise<PodProcess> {
  return startServiceProcess(SCANNER_MAIN, env, timeoutMs);
}

/** Starts a gateway (`services/gateway/dist/main.js`) and waits until it listens. */
export async function startGatewayProcess(
  env: Record<string, string>,
  timeoutMs = SERVICE_LISTEN_TIMEOUT_MS,
): Promise<PodProcess> {
  return startServiceProcess(GATEWAY_MAIN, env, timeoutMs);
}

/** Starts the service whose entry point is `main` and waits for its "listening" log line. */
export async function startServiceProcess(
  main: string,
  env: Record<string, string>,
  timeoutMs = SERVICE_LISTEN_TIMEOUT_MS,
): Promise<PodProcess> {
  const pod = spawnServiceProcess(main, env);
  const { logs } = pod;
  try {
    const port = await waitFor(
      () => {
        const exit = pod.process.exitCode ?? pod.process.signalCode;
        if (exit !== null) {
          // A failed start is logged as a fatal line; a crash before the logger exists, on stderr.
          const fatal = logs.find((entry) => entry.level === 'fatal')?.msg;
          const reason = typeof fatal === 'string' ? fatal : pod.stderr().slice(0, 2_000);
          throw new WaitAborted(`process exited early (${exit}): ${reason}`);
        }
        const line = logs.find((entry) => entry.msg === 'listening');
        return typeof line?.port === 'number' ? line.port : undefined;
      },
      { timeoutMs, what: '"listening" log line' },
    );
    return { ...pod, port, url: `http://127.0.0.1:${port}` };
  } catch (error) {
    await pod.stop();
    throw error;
  }
}
