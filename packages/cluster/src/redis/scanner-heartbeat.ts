/**
 * The scanner's heartbeat: what the active scanner last did, written (fenced) after every scan
 * at `<scanner ns>:{<scanner ns>}:heartbeat`, and read by every scanner replica and every pod
 * for `/health`. Spelled here so the pods read it without knowing the scanner service.
 *
 * ```json
 * {"lastScanAt":"2026-12-06T10:00:00.000Z","signalsDetected":3,"status":"ok",
 *  "instanceId":"scanner-7f9c-1","epoch":12,"scanIntervalMs":60000}
 * ```
 */
import type { Lifecycle } from '@tickwire/core';
import { clusterKeys } from './keys';
import {
  closeRedisClients,
  DEFAULT_COMMAND_TIMEOUT_MS,
  openRedisClients,
  type RedisClient,
  type RedisConnectionOptions,
} from './redis-client';

/** `ok`: the last scan evaluated everything; `degraded`: some of it could not be evaluated. */
export const SCANNER_STATUSES = ['ok', 'degraded'] as const;
export type ScannerStatus = (typeof SCANNER_STATUSES)[number];

export interface ScannerHeartbeat {
  /** When the last scan finished (ISO 8601). */
  lastScanAt: string;
  /** Signals the last scan detected. */
  signalsDetected: number;
  status: ScannerStatus;
  /** The active scanner that wrote it, and its election epoch. */
  instanceId: string;
  epoch: number;
  /** The scanner's scan interval (ms): readers call a heartbeat late after two of them. */
  scanIntervalMs: number;
}

export function encodeScannerHeartbeat(heartbeat: ScannerHeartbeat): string {
  return JSON.stringify(heartbeat);
}

/** The heartbeat in `raw`, or undefined when it is not one (written by another version). */
export function parseScannerHeartbeat(raw: string | null): ScannerHeartbeat | undefined {
  if (raw === null) return undefined;
  let value: Partial<Record<keyof ScannerHeartbeat, unknown>>;
  try {
    value = JSON.parse(raw) as typeof value;
  } catch {
    return undefined;
  }
  const { lastScanAt, signalsDetected, status, instanceId, epoch, scanIntervalMs } = value;
  if (
    typeof lastScanAt !== 'string' ||
    Number.isNaN(Date.parse(lastScanAt)) ||
    typeof signalsDetected !== 'number' ||
    !SCANNER_STATUSES.includes(status as ScannerStatus) ||
    typeof instanceId !== 'string' ||
    typeof epoch !== 'number' ||
    typeof scanIntervalMs !== 'number' ||
    scanIntervalMs <= 0
  )
    return undefined;
  return {
    lastScanAt,
    signalsDetected,
    status: status as ScannerStatus,
    instanceId,
    epoch,
    scanIntervalMs,
  };
}

/** Reads the heartbeat of the scanner in `namespace`; undefined when none is there. */
export async function readScannerHeartbeat(
  client: RedisClient,
  namespace: string,
): Promise<ScannerHeartbeat | undefined> {
  return parseScannerHeartbeat(await client.get(clusterKeys(namespace).heartbeat));
}

/** The last reading of a heartbeat watch. */
export type HeartbeatReading =
  | { state: 'unknown' }
  /** `readAt`: when it was read (ms since the epoch), so a reader polling every few seconds judges lateness as of its read. */
  | { state: 'read'; heartbeat: ScannerHeartbeat | undefined; readAt?: number }
  | { state: 'unreachable'; error: string };

export interface ScannerHeartbeatWatchOptions {
  client: RedisClient;
  /** The scanner's namespace (`SCANNER_NAMESPACE`). */
  namespace: string;
  /** How often to read it (ms). */
  pollMs: number;
  /** The watch closes its client on stop (it opened it: see `connect`). */
  ownsClient?: boolean;
}

/** Reads the heartbeat every `pollMs`, so a synchronous `/health` can report it. */
export class ScannerHeartbeatWatch implements Lifecycle {
  private reading: HeartbeatReading = { state: 'unknown' };
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: ScannerHeartbeatWatchOptions) {}

  /** A watch on its own connection (bounded in time; throws a RedisConnectError). */
  static async connect(
    connection: RedisConnectionOptions,
    options: { instanceId: string; namespace: string; pollMs: number },
  ): Promise<ScannerHeartbeatWatch> {
    const { commands } = await openRedisClients(
      connection,
      { instanceId: options.instanceId, commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS },
      ['commands'],
    );
    return new ScannerHeartbeatWatch({ ...options, client: commands, ownsClient: true });
  }

  /** Resolves after the first read (its failure is a reading too). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.options.ownsClient) await closeRedisClients([this.options.client]);
  }

  last(): HeartbeatReading {
    return this.reading;
  }

  private async poll(): Promise<void> {
    try {
      const heartbeat = await readScannerHeartbeat(this.options.client, this.options.namespace);
      this.reading = { state: 'read', heartbeat, readAt: Date.now() };
    } catch (error) {
      this.reading = { state: 'unreachable', error: (error as Error).message };
    }
    if (this.running) this.timer = setTimeout(() => void this.poll(), this.options.pollMs);
  }
}
