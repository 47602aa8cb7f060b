/**
 * Keeps the watchlists' symbols wanted in the pods' symbol interest while this scanner is
 * active, so the leader pod subscribes them (dynamic symbols) and their candles exist. Touched
 * with a TTL and again well before it runs out: when no scanner is active, the symbols lapse
 * like any client's. A symbol a watchlist just gained is touched within a second (the catalog
 * version is read that often), not at the next refresh.
 */
import type { SymbolInterest } from '@tickwire/cluster';
import type { Lifecycle } from '@tickwire/core';
import { RepeatedFailureLog, type Logger } from '@tickwire/observability';

/** How long one touch keeps a symbol wanted (ms), and how often it is touched again. */
export const INTEREST_TTL_MS = 90_000;
export const INTEREST_REFRESH_MS = 30_000;
/** How often the catalog is looked at for symbols not touched yet (ms). */
export const INTEREST_CHECK_MS = 1_000;
/** Symbols per touch (one script call each). */
const TOUCH_CHUNK = 1_024;

export interface InterestKeeperOptions {
  interest: Pick<SymbolInterest, 'touch'>;
  /** Every symbol some enabled strategy watches now. */
  symbols(): Promise<string[]>;
  logger: Logger;
  refreshMs?: number;
  checkMs?: number;
}

export class InterestKeeper implements Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  /** Symbols touched by the last full refresh or check. */
  private touched = new Set<string>();
  private readonly failures: RepeatedFailureLog;

  constructor(private readonly options: InterestKeeperOptions) {
    this.failures = new RepeatedFailureLog({
      logger: options.logger,
      message: 'could not register watched symbols with the pods',
      recoveredMessage: 'registering watched symbols again',
    });
  }

  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => this.queue(true), this.options.refreshMs ?? INTEREST_REFRESH_MS);
    this.checkTimer = setInterval(() => this.queue(false), this.options.checkMs ?? INTEREST_CHECK_MS);
    this.queue(true);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.checkTimer);
    this.timer = undefined;
    this.checkTimer = undefined;
    await this.current;
  }

  /** One touch at a time: every symbol (`all`), or only those not touched yet. */
  private queue(all: boolean): void {
    this.current = this.current.then(() => this.touch(all));
  }

  private async touch(all: boolean): Promise<void> {
    try {
      const symbols = await this.options.symbols();
      const due = all ? symbols : symbols.filter((symbol) => !this.touched.has(symbol));
      for (let start = 0; start < due.length; start += TOUCH_CHUNK) {
        await this.options.interest.touch(due.slice(start, start + TOUCH_CHUNK), INTEREST_TTL_MS);
      }
      if (all) this.touched = new Set(symbols);
      else for (const symbol of due) this.touched.add(symbol);
      this.failures.succeeded();
    } catch (error) {
      this.failures.failed(error);
    }
  }
}
