/**
 * The one typed module through which the Lua scripts in ./lua are called (STYLE rule 3). Each
 * file is read once, registered with `defineCommand` once per connection (ioredis then uses
 * EVALSHA and falls back to EVAL after a Redis restart), and its reply checked here.
 */
import { join } from 'node:path';
import type { RedisClient } from './redis-client';
import { checkScriptReply, ClusterError } from './errors';
import { candleSeriesField, type ClusterKeys } from './keys';
import { defineLuaCommands, type LuaFunction } from './lua-commands';

/** File name `<name>-<number of keys>.lua`, as in bullmq. */
const SCRIPT_FILES = {
  acquireLeader: 'acquire-leader-3.lua',
  renewLeader: 'renew-leader-2.lua',
  releaseLeader: 'release-leader-2.lua',
  fencedPublish: 'fenced-publish-3.lua',
  fencedHeartbeat: 'fenced-heartbeat-2.lua',
  fencedAppendCandles: 'fenced-append-candles-5.lua',
  touchInterest: 'touch-interest-1.lua',
  wantedInterest: 'wanted-interest-1.lua',
} as const;

type ScriptName = keyof typeof SCRIPT_FILES;

export type AcquireResult =
  { acquired: true; value: string } | { acquired: false; holder: string; report: string | undefined };

/** A pod's value `<instanceId>:<epoch>` parsed back; the id may itself contain colons. */
export function parseLeaderValue(value: string): { instanceId: string; epoch: number } | undefined {
  const colon = value.lastIndexOf(':');
  const epoch = Number(value.slice(colon + 1));
  if (colon <= 0 || !Number.isSafeInteger(epoch) || epoch <= 0) return undefined;
  return { instanceId: value.slice(0, colon), epoch };
}

/** A script's array of strings, checked: a reply of another shape means the script and code disagree. */
function stringList(reply: unknown, operation: string): string[] {
  if (Array.isArray(reply)) {
    const items = reply as unknown[];
    if (items.every((item): item is string => typeof item === 'string')) return items;
  }
  throw new ClusterError('SCRIPT_FAILED', `${operation} returned an unexpected reply`);
}

export class ClusterScripts {
  private readonly scripts: Record<ScriptName, LuaFunction>;

  constructor(
    client: RedisClient,
    private readonly keys: ClusterKeys,
  ) {
    this.scripts = defineLuaCommands(client, join(__dirname, 'lua'), SCRIPT_FILES);
  }

  async acquireLeader(instanceId: string, leaseMs: number, seenEpoch: number): Promise<AcquireResult> {
    const reply = (await this.call('acquireLeader')(
      this.keys.leader,
      this.keys.epoch,
      this.keys.leaderReport,
      instanceId,
      leaseMs,
      seenEpoch,
      this.keys.leaderEvents,
    )) as [number, string, string?];
    if (reply[0] === 1) return { acquired: true, value: reply[1] };
    return { acquired: false, holder: reply[1], report: reply[2] || undefined };
  }

  /** Throws NotLeaderError when the lease is no longer `value`'s. */
  async renewLeader(value: string, leaseMs: number, report: string): Promise<void> {
    const reply = await this.call('renewLeader')(
      this.keys.leader,
      this.keys.leaderReport,
      value,
      leaseMs,
      report,
    );
    checkScriptReply(reply, 'renew', value);
  }

  /** Throws NotLeaderError when there was nothing of ours to release. */
  async releaseLeader(value: string): Promise<void> {
    const reply = await this.call('releaseLeader')(
      this.keys.leader,
      this.keys.leaderReport,
      value,
      this.keys.leaderEvents,
    );
    checkScriptReply(reply, 'release', value);
  }

  /** Appends one batch; returns its stream id. Throws NotLeaderError when fenced off. */
  async fencedPublish(
    value: string,
    epoch: number,
    maxLength: number,
    batchJson: string,
    latestBySymbol: string[],
  ): Promise<string> {
    const reply = await this.call('fencedPublish')(
      this.keys.leader,
      this.keys.prices,
      this.keys.ticks,
      value,
      maxLength,
      epoch,
      batchJson,
      ...latestBySymbol,
    );
    return checkScriptReply(reply, 'publish', value) as string;
  }

  /** Writes the leader's heartbeat for `ttlMs`. Throws NotLeaderError when fenced off. */
  async fencedHeartbeat(value: string, heartbeatJson: string, ttlMs: number): Promise<void> {
    const reply = await this.call('fencedHeartbeat')(
      this.keys.leader,
      this.keys.heartbeat,
      value,
      heartbeatJson,
      ttlMs,
    );
    checkScriptReply(reply, 'heartbeat', value);
  }

  /**
   * Stores the closed candles of one series that it does not hold yet and records the covered
   * range; returns the JSON of those stored. Throws NotLeaderError when fenced off.
   */
  async fencedAppendCandles(
    value: string,
    series: { symbol: string; interval: string; intervalMs: number; source: 'close' | 'backfill' },
    limits: { retainedCandles: number; retainedCloses: number },
    covers: { from: number; to: number },
    candles: readonly { openTime: number; json: string }[],
  ): Promise<string[]> {
    const reply = await this.call('fencedAppendCandles')(
      this.keys.leader,
      this.keys.candles(series.symbol, series.interval),
      this.keys.candleCloses,
      this.keys.candleCovered,
      this.keys.candleBackfillRequests,
      value,
      limits.retainedCandles,
      limits.retainedCloses,
      candleSeriesField(series.symbol, series.interval),
      covers.from,
      covers.to,
      series.intervalMs,
      series.source,
      this.keys.candleCloseEvents,
      ...candles.flatMap((candle) => [candle.openTime, candle.json]),
    );
    return stringList(checkScriptReply(reply, 'append candles', value), 'append candles');
  }

  /**
   * Marks `symbols` wanted until Redis's now + `ttlMs`; returns those nobody wanted before, which
   * the script also publishes on the interest events channel.
   */
  async touchInterest(ttlMs: number, symbols: readonly string[]): Promise<string[]> {
    const reply = await this.call('touchInterest')(
      this.keys.wanted,
      ttlMs,
      this.keys.interestEvents,
      ...symbols,
    );
    return stringList(reply, 'touch interest');
  }

  /** Every symbol wanted now on Redis's clock (expired ones removed), in expiry order. */
  async wantedInterest(): Promise<string[]> {
    return stringList(await this.call('wantedInterest')(this.keys.wanted), 'list interest');
  }

  private call(name: ScriptName): LuaFunction {
    return this.scripts[name];
  }
}
