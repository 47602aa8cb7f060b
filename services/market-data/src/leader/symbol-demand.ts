/**
 * The leader's view of which symbols to carry: the configured ones, always, plus every symbol
 * some pod's clients want (the engine's interest registry). A burst of changes is gathered for
 * `debounceMs` into one update, so a thousand clients asking for three hundred symbols become a
 * few batched SUBSCRIBE frames, not three hundred. Additions are announced by the registry;
 * expiries are not, so the registry is also read every `pollMs`.
 */
import type { Lifecycle } from '@tickwire/core';
import type { SymbolInterest } from '@tickwire/cluster';
import { RepeatedFailureLog, type Logger } from '@tickwire/observability';

export interface SymbolDemandOptions {
  interest: SymbolInterest;
  /** Always carried, whatever clients want. */
  configured: readonly string[];
  /** Whether to follow client interest at all (DYNAMIC_SYMBOLS). */
  dynamic: boolean;
  /** Only symbols that pass are carried (an exchange this pod does not connect to, say). */
  accept(symbol: string): boolean;
  debounceMs: number;
  pollMs: number;
  logger: Logger;
  /** Called with the full set whenever it changes, sorted. */
  onChange(symbols: string[]): void;
}

export class SymbolDemand implements Lifecycle {
  private current = '';
  private timer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  private reading: Promise<void> | undefined;
  /** While the registry is down every poll fails: the outage is logged, not each poll. */
  private readonly failures: RepeatedFailureLog;

  constructor(private readonly options: SymbolDemandOptions) {
    this.failures = new RepeatedFailureLog({
      logger: options.logger,
      message: 'could not read wanted symbols',
      recoveredMessage: 'reading wanted symbols again',
    });
  }

  /** Publishes the configured symbols at once, then follows the registry. */
  async start(): Promise<void> {
    this.running = true;
    this.publish(this.options.configured);
    if (!this.options.dynamic) return;
    this.unsubscribe = this.options.interest.onAdded(() => this.schedule());
    this.pollTimer = setInterval(() => this.schedule(), this.options.pollMs);
    await this.read();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    clearInterval(this.pollTimer);
    this.timer = undefined;
    this.pollTimer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.reading;
  }

  /** The first change opens a window of `debounceMs`; changes inside it join the same update. */
  private schedule(): void {
    if (!this.running || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.read();
    }, this.options.debounceMs);
  }

  private read(): Promise<void> {
    // One read at a time; a change during it is picked up by the next window or poll.
    this.reading ??= this.options.interest
      .wanted()
      .then(
        (wanted) => {
          this.failures.succeeded();
          if (this.running) this.publish([...this.options.configured, ...wanted]);
        },
        (error: unknown) => this.failures.failed(error),
      )
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  private publish(symbols: readonly string[]): void {
    const accepted = [...new Set(symbols.filter((symbol) => this.options.accept(symbol)))].sort();
    const key = accepted.join(',');
    if (key === this.current) return;
    this.current = key;
    this.options.onChange(accepted);
  }
}
