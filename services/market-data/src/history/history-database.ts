/**
 * The pod's connection to the history database (`HISTORY_DATABASE_URL`): the one place a pool
 * is created. Starting never waits for the database: prices are served without it. The schema
 * is migrated at start and, while that fails, again on every ping; every query's outcome says
 * whether the database is reachable, for `/health`.
 */
import type { Lifecycle } from '@tickwire/core';
import { RepeatedFailureLog, type Logger } from '@tickwire/observability';
import { Pool } from 'pg';
import { HistoryStore } from './history-store';
import { migrateHistory } from './migrate';

export interface HistoryDatabaseOptions {
  url: string;
  logger: Logger;
  /** How often the database is pinged (and the migration retried until it succeeds) (ms). */
  pingMs?: number;
}

/** Connections per pod: one writer (the leader), a few readers of `/v1/candles?from=`. */
export const HISTORY_POOL_SIZE = 4;
/** A connection attempt gives up after this long (ms): an unreachable database fails fast. */
export const HISTORY_CONNECT_TIMEOUT_MS = 3_000;
/** A query gives up after this long (ms). */
export const HISTORY_QUERY_TIMEOUT_MS = 10_000;
export const DEFAULT_HISTORY_PING_MS = 5_000;

export interface HistoryDatabaseState {
  /** Undefined until the first query answered or failed. */
  reachable: boolean | undefined;
  /** Whether the schema is up to date (writes and reads wait for it). */
  migrated: boolean;
  /** The last failure's message while unreachable. */
  error?: string;
}

export class HistoryDatabase implements Lifecycle {
  readonly store: HistoryStore;
  private readonly pool: Pool;
  private readonly failures: RepeatedFailureLog;
  private current: HistoryDatabaseState = { reachable: undefined, migrated: false };
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(private readonly options: HistoryDatabaseOptions) {
    this.pool = new Pool({
      connectionString: options.url,
      max: HISTORY_POOL_SIZE,
      connectionTimeoutMillis: HISTORY_CONNECT_TIMEOUT_MS,
      query_timeout: HISTORY_QUERY_TIMEOUT_MS,
    });
    // An idle connection the server dropped: the next query reconnects; without a listener the
    // pool's error event would end the process.
    this.pool.on('error', (error) => this.failed(error));
    this.store = new HistoryStore(this.pool);
    this.failures = new RepeatedFailureLog({
      logger: options.logger,
      message: 'history database unreachable',
      recoveredMessage: 'history database reachable again',
    });
  }

  /**
   * Starts the migration and the pings without waiting for them: the pod serves prices without
   * history, and an unreachable database would hold its start for the connect timeout.
   */
  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.options.pingMs ?? DEFAULT_HISTORY_PING_MS);
    void this.check();
  }

  /** Resolves once the check running now (if any) has finished. */
  async settled(): Promise<void> {
    await this.checking;
  }

  async stop(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
    this.failures.flush();
    await this.pool.end().catch(() => undefined);
  }

  state(): HistoryDatabaseState {
    return { ...this.current };
  }

  /** Whether the schema is migrated, so the store may be used. */
  ready(): boolean {
    return this.current.migrated;
  }

  /** Records a query's success (the database answered). */
  succeeded(): void {
    this.current = { reachable: true, migrated: this.current.migrated };
    this.failures.succeeded();
  }

  /** Records a query's failure. */
  failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.current = { reachable: false, migrated: this.current.migrated, error: message };
    this.failures.failed(error);
  }

  private check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    try {
      if (this.current.migrated) await this.store.ping();
      else {
        const applied = await migrateHistory(this.pool);
        this.current.migrated = true;
        this.options.logger.info({ applied }, 'history database migrated');
      }
      this.succeeded();
    } catch (error) {
      this.failed(error);
    }
  }
}
