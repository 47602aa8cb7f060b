/**
 * Keeps the watchlists' symbols wanted in the pods' symbol interest while this scanner is
 * active, so the leader pod subscribes them (dynamic symbols) and their candles exist. Touched
 * with a TTL and again well before it runs out: when no scanner is active, the symbols lapse
 * like any client's.
 */
import type { SymbolInterest } from '@tickwire/cluster';
import type { Lifecycle } from '@tickwire/core';
import { RepeatedFailureLog, type Logger } from '@tickwire/observability';

/** How long one touch keeps a symbol wanted (ms), and how often it is touched again. */
export const INTEREST_TTL_MS = 90_000;
export const INTEREST_REFRESH_MS = 30_000;
/** Symbols per touch (one script call each). */
const TOUCH_CHUNK = 1_024;

export interface InterestKeeperOptions {
  interest: Pick<SymbolInterest, 'touch'>;
  /** Every symbol some enabled strategy watches now. */
  symbols(): Promise<string[]>;
  logger: Logger;
  refreshMs?: number;
}

export class InterestKeeper implements Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
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
    this.timer = setInterval(() => this.refresh(), this.options.refreshMs ?? INTEREST_REFRESH_MS);
    this.refresh();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.current;
  }

  /** Touches now (after a catalog change, say); a touch under way is not doubled. */
  refresh(): void {
    this.current = this.current.then(() => this.touchAll());
  }

  private async touchAll(): Promise<void> {
    try {
      const symbols = await this.options.symbols();
      for (let start = 0; start < symbols.length; start += TOUCH_CHUNK) {
        await this.options.interest.touch(symbols.slice(start, start + TOUCH_CHUNK), INTEREST_TTL_MS);
      }
      this.failures.succeeded();
    } catch (error) {
      this.failures.failed(error);
    }
  }
}
