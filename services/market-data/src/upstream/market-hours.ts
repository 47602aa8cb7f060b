/**
 * Whether an exchange's market trades now, asked of the exchange every `pollMs` (Massive
 * `/v1/marketstatus/now`): stock feeds stay open and silent overnight, at weekends and on
 * holidays, and that silence is the market, not a broken feed. While the market is closed the
 * watchdogs stand down and the status says `closed`. An unanswered question keeps the last
 * answer (a REST hiccup must not make a closed market look broken); before any answer the
 * market counts as trading, so a dead feed is never excused without the exchange's word.
 */
import type { MarketStatusSource } from '@tickwire/exchanges';
import type { Logger } from '@tickwire/observability';
import type { RestClient } from '@tickwire/service';

export interface MarketHoursStatus {
  /** The exchange's word (`open`, `closed`, `extended-hours`). */
  state: string;
  trading: boolean;
  /** When the exchange said so (ms). */
  checkedAt: number;
}

export interface MarketHoursOptions {
  source: MarketStatusSource;
  venue: string;
  restBaseUrl: string;
  rest: RestClient;
  pollMs: number;
  logger: Logger;
  onChange(): void;
}

const CALLER = 'market-status';

export class MarketHoursWatch {
  private current: MarketHoursStatus | undefined;
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private running = false;

  constructor(private readonly options: MarketHoursOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.poll();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
  }

  /** True only while the exchange said its market is closed. */
  isClosed(): boolean {
    return this.current !== undefined && !this.current.trading;
  }

  status(): MarketHoursStatus | undefined {
    return this.current;
  }

  private async poll(): Promise<void> {
    const { source, rest, venue, restBaseUrl, logger } = this.options;
    const abort = new AbortController();
    this.abort = abort;
    try {
      const request = source.request(restBaseUrl);
      const answer = await rest.request({
        venue,
        caller: CALLER,
        url: request.url,
        headers: request.headers,
        maxAttempts: 1,
        signal: abort.signal,
      });
      const { state, trading } = source.parse(answer.bodyText);
      const changed = this.current?.state !== state;
      this.current = { state, trading, checkedAt: answer.receivedAt };
      if (changed) {
        logger.info({ market: state, trading }, 'market status changed');
        this.options.onChange();
      }
    } catch (error) {
      if (this.running)
        logger.warn({ err: (error as Error).message }, 'market status unavailable; keeping the last answer');
    } finally {
      if (this.abort === abort) this.abort = undefined;
      if (this.running) this.timer = setTimeout(() => void this.poll(), this.options.pollMs);
    }
  }
}
