/** The one typed module through which the scanner's Lua scripts in ./lua are called. */
import { join } from 'node:path';
import { defineLuaCommands, type LuaFunction, type RedisClient } from '@tickwire/cluster';
import type { ScannerKeys } from './keys';
import { checkReply } from './store-errors';

const SCRIPT_FILES = {
  writeCatalog: 'write-catalog-1.lua',
  appendSignal: 'append-signal-3.lua',
} as const;

/** One catalog operation, as write-catalog-1.lua takes it: command, key, arguments. */
export type CatalogOperation =
  | ['SET', string, string]
  | ['DEL', string]
  | ['SADD' | 'SREM', string, string]
  | ['ZADD', string, number, string]
  | ['ZREM', string, string]
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
  async appendSignal(
    fenceValue: string,
    retentionMs: number,
    signal: { id: string; ownerId: string; strategyId: string; symbol: string },
    json: string,
  ): Promise<string | undefined> {
    const reply = await this.scripts.appendSignal(
      this.keys.election.leader,
      this.keys.signals,
      this.keys.signalSeen(signal.id),
      fenceValue,
      retentionMs,
      signal.ownerId,
      signal.strategyId,
      signal.symbol,
      json,
    );
    const checked = checkReply(reply, 'signal append', fenceValue);
    return checked === 0 ? undefined : (checked as string);
  }
}
