/**
 * When trades happen: `tradesPerSecond` per market, round-robin over the markets, driven by one
 * interval timer that catches up with the wall clock. Shared by every simulated exchange, so a
 * seed gives each market the same n-th trade whatever the timing (the price path lives in the
 * market, which the scheduler only calls).
 */

/** Shortest trade-timer period; faster rates are served by several trades per tick. */
export const MIN_TRADE_TICK_MS = 5;
/** Longest trade-timer period, so slow rates still trade close to their schedule. */
export const MAX_TRADE_TICK_MS = 100;
/**
 * Trades emitted per tick at most. When the event loop falls further behind than this, the
 * backlog is skipped instead of replayed as a burst (a real feed does not replay either).
 */
export const MAX_TRADES_PER_TICK = 10_000;

export class TradeScheduler<M> {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private clockStart = 0;
  private done = 0;
  private next = 0;

  constructor(
    private readonly markets: readonly M[],
    private tradesPerSecond: number,
    private readonly onTrade: (market: M, now: number) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Changes the rate; the schedule restarts from now, so no backlog is replayed. */
  setTradesPerSecond(tradesPerSecond: number): void {
    this.tradesPerSecond = tradesPerSecond;
    if (!this.running) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.arm();
  }

  private arm(): void {
    const totalRate = this.tradesPerSecond * this.markets.length;
    if (totalRate <= 0) return;
    const period = Math.min(MAX_TRADE_TICK_MS, Math.max(MIN_TRADE_TICK_MS, Math.floor(1000 / totalRate)));
    this.clockStart = this.clock();
    this.done = 0;
    this.timer = setInterval(() => this.drive(totalRate), period);
  }

  private drive(totalRate: number): void {
    const now = this.clock();
    const due = Math.floor(((now - this.clockStart) * totalRate) / 1000);
    let toEmit = due - this.done;
    if (toEmit > MAX_TRADES_PER_TICK) {
      this.done = due - MAX_TRADES_PER_TICK;
      toEmit = MAX_TRADES_PER_TICK;
    }
    for (let i = 0; i < toEmit; i++) {
      // Round-robin keeps each market's n-th trade independent of timing (determinism).
      const market = this.markets[this.next];
      this.next = (this.next + 1) % this.markets.length;
      this.done += 1;
      if (market !== undefined) this.onTrade(market, now);
    }
  }
}
