/**
 * The Finnhub market: one seeded SymbolMarket per instrument, traded by the shared scheduler;
 * each trade becomes one `data` element, handed to the sink (event log + hub). Frames are
 * assembled per connection later (connection.ts), because a frame batches several symbols.
 */
import { SymbolMarket } from '../market-state';
import { TradeScheduler } from '../trade-scheduler';
import type { FinnhubInstrument } from './instruments';
import { tradeElement } from './payloads';

export interface FinnhubMarket {
  readonly instrument: FinnhubInstrument;
  readonly market: SymbolMarket;
}

/** Receives every generated trade element (its exact JSON text). */
export type FinnhubTradeSink = (symbol: string, elementJson: string, now: number) => void;

export class FinnhubFeed {
  readonly markets: ReadonlyMap<string, FinnhubMarket>;
  private readonly scheduler: TradeScheduler<FinnhubMarket>;

  constructor(
    instruments: readonly FinnhubInstrument[],
    seed: number,
    startedAt: number,
    tradesPerSecond: number,
    sink: FinnhubTradeSink,
    clock: () => number = Date.now,
  ) {
    const list = instruments.map((instrument) => ({
      instrument,
      market: new SymbolMarket(instrument.spec, seed, startedAt, tradesPerSecond),
    }));
    this.markets = new Map(list.map((m) => [m.instrument.symbol, m]));
    this.scheduler = new TradeScheduler(
      list,
      tradesPerSecond,
      ({ instrument, market }, now) =>
        sink(instrument.symbol, tradeElement(instrument, market.trade(now)), now),
      clock,
    );
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler.stop();
  }

  setTradesPerSecond(tradesPerSecond: number): void {
    this.scheduler.setTradesPerSecond(tradesPerSecond);
  }
}
