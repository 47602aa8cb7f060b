/**
 * The Redis engine: many pods, one elected leader. Three connections per pod: commands
 * (scripts, replay, interest, candles), the stream follower's blocking reads, and the subscriber
 * (leader events, interest events and candle close events).
 */
import type { Engine } from '../engine';
import { silentLogger, type ClusterLogger } from '../logger';
import { clusterKeys, DEFAULT_NAMESPACE } from './keys';
import {
  closeRedisClients,
  DEFAULT_COMMAND_TIMEOUT_MS,
  openRedisClients,
  type RedisClient,
  type RedisConnectionOptions,
} from './redis-client';
import { DEFAULT_RETAINED_BATCHES, RedisDistribution } from './redis-distribution';
import { DEFAULT_ELECTION_TIMINGS, RedisElection, type ElectionTimings } from './redis-election';
import { RedisInterest } from './redis-interest';
import { RedisCandleHistory } from './redis-candle-history';
import { DEFAULT_RETAINED_CANDLES, DEFAULT_RETAINED_CLOSES } from '../candle-history-options';
import { ClusterScripts } from './scripts';

export interface RedisEngineOptions {
  instanceId: string;
  connection: RedisConnectionOptions;
  /** Key namespace (default `tw`); tests use a fresh one each. */
  namespace?: string;
  timings?: Partial<ElectionTimings>;
  retainedBatches?: number;
  /** Closed candles kept per symbol and interval (default DEFAULT_RETAINED_CANDLES). */
  retainedCandles?: number;
  /** Approximate MAXLEN of the candle closes stream (default DEFAULT_RETAINED_CLOSES). */
  retainedCloses?: number;
  commandTimeoutMs?: number;
  logger?: ClusterLogger;
  /** Monotonic ms for the election (tests skew it to play a frozen process). */
  clock?: () => number;
}

export class RedisEngine implements Engine {
  readonly kind = 'redis' as const;

  private constructor(
    readonly election: RedisElection,
    readonly distribution: RedisDistribution,
    readonly interest: RedisInterest,
    readonly candles: RedisCandleHistory,
    private readonly clients: RedisClient[],
  ) {}

  /** Connects (bounded in time) and builds the engine; throws a RedisConnectError when Redis cannot be reached. */
  static async create(options: RedisEngineOptions): Promise<RedisEngine> {
    const logger = options.logger ?? silentLogger;
    const keys = clusterKeys(options.namespace ?? DEFAULT_NAMESPACE);
    const {
      commands,
      'stream-reader': reader,
      subscriber,
    } = await openRedisClients(
      options.connection,
      {
        instanceId: options.instanceId,
        commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      },
      ['commands', 'stream-reader', 'subscriber'],
    );
    const clients = [commands, reader, subscriber];
    const scripts = new ClusterScripts(commands, keys);
    const election = new RedisElection({
      ...DEFAULT_ELECTION_TIMINGS,
      ...options.timings,
      instanceId: options.instanceId,
      scripts,
      subscriber,
      keys,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const distribution = new RedisDistribution({
      commands,
      reader,
      scripts,
      keys,
      logger,
      fence: () => election.fence(),
      retainedBatches: options.retainedBatches ?? DEFAULT_RETAINED_BATCHES,
    });
    const interest = new RedisInterest({ scripts, subscriber, keys, logger });
    const candles = new RedisCandleHistory({
      commands,
      subscriber,
      scripts,
      keys,
      logger,
      fence: () => election.fence(),
      retainedCandles: options.retainedCandles ?? DEFAULT_RETAINED_CANDLES,
      retainedCloses: options.retainedCloses ?? DEFAULT_RETAINED_CLOSES,
    });
    return new RedisEngine(election, distribution, interest, candles, clients);
  }

  async close(): Promise<void> {
    await closeRedisClients(this.clients);
  }
}
