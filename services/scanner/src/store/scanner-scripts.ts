/** The one typed module through which the scanner's Lua scripts in ./lua are called. */
import { join } from 'node:path';
import { defineLuaCommands, type LuaFunction, type RedisClient } from '@tickwire/cluster';
import type { AppendResult } from '../signals/signal-log';
import type { ScannerKeys } from './keys';
import { checkReply } from './store-errors';

const SCRIPT_FILES = {
  writeCatalog: 'write-catalog-1.lua',
  appendSignal: 'append-signal-4.lua',
} as const;

/** One catalog operation, as write-catalog-1.lua takes it: command, key, arguments. */
export type CatalogOperation =
  | ['SET', string, string]
  | ['DEL', string]
  | ['SADD' | 'SREM', string, string]
  | ['ZADD', string, number, string]
  | ['ZREM', string, string]
  | ['HDEL', string, string]
  | ['HINCRBY', string, string, number];

export class ScannerScripts {
  private readonly scripts: Record<keyof typeof SCRIPT_FILES, LuaFunction>;

  constructor(
    client: RedisClient,
    private readonly keys: ScannerKeys,
  ) {
    this.scripts = defineLuaCommands(client, join(__dirname, 'lua'), SCRIPT_FILES);
  }

  /** Applies `operations` if the catalog is still at `readVersion`; returns the new version. Throws CONFLICT otherwise. */
  async writeCatalog(readVersion: number, operations: readonly CatalogOperation[]): Promise<number> {
    const reply = await this.scripts.writeCatalog(
      this.keys.catalogVersion,
      readVersion,
      JSON.stringify(operations),
    );
    return checkReply(reply, 'catalog write') as number;
  }

  /**
   * Stores a signal once, fenced by `fenceValue`; returns its stream id, or undefined when it
   * was stored before. Throws NotLeaderError when this scanner is not the active one.
   */
  /**
   * Stores a signal once (see append-signal-4.lua): its new entry id; or not, as a `duplicate`
   * (stored before) or in `cooldown` (its strategy signalled this symbol less than `cooldownMs`
   * of candle time away). Throws NotLeaderError when the fence no longer holds.
   */
  async appendSignal(
    fenceValue: string,
    retentionMs: number,
    signal: { id: string; ownerId: string; strategyId: string; symbol: string; candleOpenTime: number },
    json: string,
    cooldownMs: number,
  ): Promise<AppendResult> {
    const reply = await this.scripts.appendSignal(
      this.keys.election.leader,
      this.keys.signals,
      this.keys.signalSeen(signal.id),
      this.keys.cooldown(signal.strategyId, signal.symbol),
      fenceValue,
      retentionMs,
      signal.ownerId,
      signal.strategyId,
      signal.symbol,
      json,
      signal.candleOpenTime,
      cooldownMs,
    );
    const checked = checkReply(reply, 'signal append', fenceValue);
    if (checked === 0) return { stored: false, reason: 'duplicate' };
    if (checked === 1) return { stored: false, reason: 'cooldown' };
    return { stored: true, streamId: checked as string };
  }
}
