/**
 * The scanner's view of the market-data cluster, read from the pods' Redis namespace: the
 * closed candle history and its close announcements, the symbol interest (so the leader pod
 * subscribes what watchlists hold), and the tick stream, from which the scanner builds open
 * candles exactly as every pod does (CandleBook). It is the pods' engine, opened to read:
 * its election is never started, so it never leads and every fenced write would be refused.
 */
import {
  CandleBook,
  RedisEngine,
  type CandleCloseEntry,
  type CandleHistory,
  type SymbolInterest,
} from '@tickwire/cluster';
import type { Candle, CandleInterval, Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import { redisConnectionFrom } from '@tickwire/service';
import type { Config } from '../config';
import type { CandleSource } from './evaluator';

export class MarketData implements Lifecycle, CandleSource {
  private readonly book = new CandleBook();
  private unsubscribe: (() => void) | undefined;

  private constructor(private readonly engine: RedisEngine) {}

  /** Connects (bounded in time); throws a RedisConnectError when Redis cannot be reached. */
  static async open(config: Config, logger: Logger): Promise<MarketData> {
    const connection = redisConnectionFrom(config)!;
    const engine = await RedisEngine.create({
      instanceId: `${config.INSTANCE_ID}-scanner`,
      connection,
      namespace: config.MARKET_DATA_NAMESPACE,
      logger: logger.child({ component: 'market-data', mode: connection.mode }),
    });
    return new MarketData(engine);
  }

  get candles(): CandleHistory {
    return this.engine.candles;
  }

  get interest(): SymbolInterest {
    return this.engine.interest;
  }

  async start(): Promise<void> {
    this.unsubscribe = this.engine.distribution.onBatch((batch) => this.book.applyBatch(batch));
    await this.engine.distribution.start();
    await this.engine.candles.start();
    await this.book.start();
  }

  async stop(): Promise<void> {
    await this.book.stop();
    this.unsubscribe?.();
    await this.engine.candles.stop();
    await this.engine.distribution.stop();
    await this.engine.close();
  }

  closesAfter(afterId: string | undefined, count: number): Promise<CandleCloseEntry[]> {
    return this.engine.candles.closesAfter(afterId, count);
  }

  onClose(listener: (candle: Candle) => void): () => void {
    return this.engine.candles.onClose(listener);
  }

  open(symbol: string, interval: CandleInterval): Candle | undefined {
    return this.book.open(symbol, interval);
  }
}
