/**
 * The election on its own, for a service that needs one active instance but no distribution
 * (the scanner): a commands connection (scripts, and the service's own stores under the same
 * namespace) and a subscriber for leader events. Same scripts, same timings, same fencing as the
 * pods' engine, under the service's own namespace so it never competes with the pods.
 */
import { silentLogger, type ClusterLogger } from '../logger';
import { NotLeaderError } from './errors';
import { clusterKeys, type ClusterKeys } from './keys';
import {
  closeRedisClients,
  DEFAULT_COMMAND_TIMEOUT_MS,
  openRedisClients,
  type RedisClient,
  type RedisConnectionOptions,
} from './redis-client';
import { DEFAULT_ELECTION_TIMINGS, RedisElection, type ElectionTimings } from './redis-election';
import { encodeScannerHeartbeat, type ScannerHeartbeat } from './scanner-heartbeat';
import { ClusterScripts } from './scripts';

export interface RedisLeadershipOptions {
  instanceId: string;
  connection: RedisConnectionOptions;
  namespace: string;
  timings?: Partial<ElectionTimings>;
  commandTimeoutMs?: number;
  logger?: ClusterLogger;
  /** Monotonic ms for the election (tests skew it to play a frozen process). */
  clock?: () => number;
}

export class RedisLeadership {
  private constructor(
    readonly election: RedisElection,
    /** The commands connection, for the service's own keys and scripts beside the election's. */
    readonly commands: RedisClient,
    readonly keys: ClusterKeys,
    private readonly scripts: ClusterScripts,
    private readonly clients: RedisClient[],
  ) {}

  /** Connects (bounded in time); throws a RedisConnectError when Redis cannot be reached. */
  static async create(options: RedisLeadershipOptions): Promise<RedisLeadership> {
    const keys = clusterKeys(options.namespace);
    const { commands, subscriber } = await openRedisClients(
      options.connection,
      {
        instanceId: options.instanceId,
        commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      },
      ['commands', 'subscriber'],
    );
    const scripts = new ClusterScripts(commands, keys);
    const election = new RedisElection({
      ...DEFAULT_ELECTION_TIMINGS,
      ...options.timings,
      instanceId: options.instanceId,
      scripts,
      subscriber,
      keys,
      logger: options.logger ?? silentLogger,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    return new RedisLeadership(election, commands, keys, scripts, [commands, subscriber]);
  }

  /**
   * Writes the heartbeat for `ttlMs`, fenced: throws NotLeaderError when this instance does not
   * hold the leadership (or no longer does in Redis).
   */
  async writeHeartbeat(heartbeat: ScannerHeartbeat, ttlMs: number): Promise<void> {
    const fence = this.election.fence();
    if (!fence) throw new NotLeaderError('heartbeat', this.keys.leader);
    await this.scripts.fencedHeartbeat(fence.value, encodeScannerHeartbeat(heartbeat), ttlMs);
  }

  /** Call after the election has stopped. */
  async close(): Promise<void> {
    await closeRedisClients(this.clients);
  }
}
