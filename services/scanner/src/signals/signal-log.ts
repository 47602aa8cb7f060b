/**
 * The signals the scanner detected, kept 30 days in one Redis stream. The active scanner
 * appends (fenced, deduplicated by the signal's id in the same script: a signal is stored at
 * most once whatever restarts and failovers replay); any replica answers queries, newest first,
 * for one owner and optionally one strategy or symbol.
 */
import type { RedisClient } from '@tickwire/cluster';
import { NotLeaderError } from '@tickwire/cluster';
import type { ScannerKeys } from '../store/keys';
import type { ScannerScripts } from '../store/scanner-scripts';
import type { Signal } from './signal';

/** How long signals (and their dedupe marks) are kept (ms). */
export const SIGNAL_RETENTION_MS = 30 * 86_400_000;
/** Entries read from the stream per round trip while looking for an owner's signals. */
const QUERY_CHUNK_ENTRIES = 500;
/** A query reads at most this many entries, then answers with what it found and a cursor. */
export const MAX_SCANNED_ENTRIES = 20_000;

export interface SignalQuery {
  ownerId: string;
  strategyId?: string;
  symbol?: string;
  /** Only signals stored at or after this time (ms since the epoch). */
  since?: number;
  /** Continue below this stream id (a previous answer's `nextCursor`). */
  before?: string;
  limit: number;
}

export interface StoredSignal {
  /** Its position in the stream (`<ms>-<seq>`), the cursor of the next page. */
  streamId: string;
  signal: Signal;
}

export interface SignalPage {
  signals: StoredSignal[];
  /** Where the next page starts, when there may be more. */
  nextCursor: string | null;
}

export type AppendResult =
  | { stored: true; streamId: string }
  /** `duplicate`: stored before (a replay); `cooldown`: its strategy signalled this symbol too recently. */
  | { stored: false; reason: 'duplicate' | 'cooldown' };

export interface SignalLogOptions {
  client: RedisClient;
  keys: ScannerKeys;
  scripts: ScannerScripts;
  /** The election's fence: the leader value to check, while this scanner is the active one. */
  fence(): { value: string } | undefined;
}

export class SignalLog {
  constructor(private readonly options: SignalLogOptions) {}

  /**
   * Stores `signal` unless it was stored before or its strategy is cooling down on the symbol
   * (`cooldownMs` of candle time around its last signal there; 0: no cooldown). Throws
   * NotLeaderError when this scanner is not (or no longer) the active one: then nothing was written.
   */
  async append(signal: Signal, cooldownMs = 0): Promise<AppendResult> {
    const fence = this.options.fence();
    if (!fence) throw new NotLeaderError('signal append', this.options.keys.election.leader);
    return this.options.scripts.appendSignal(
      fence.value,
      SIGNAL_RETENTION_MS,
      signal,
      JSON.stringify(signal),
      cooldownMs,
    );
  }

  /** Newest first. */
  async query(query: SignalQuery): Promise<SignalPage> {
    const { client, keys } = this.options;
    const start = query.since === undefined ? '-' : String(query.since);
    let end = query.before === undefined ? '+' : `(${query.before}`;
    const found: StoredSignal[] = [];
    let scanned = 0;
    while (found.length < query.limit && scanned < MAX_SCANNED_ENTRIES) {
      const entries = await client.xrevrange(keys.signals, end, start, 'COUNT', QUERY_CHUNK_ENTRIES);
      for (const [streamId, fields] of entries) {
        scanned++;
        const entry = fieldMap(fields);
        if (entry.o !== query.ownerId) continue;
        if (query.strategyId !== undefined && entry.s !== query.strategyId) continue;
        if (query.symbol !== undefined && entry.y !== query.symbol) continue;
        found.push({ streamId, signal: JSON.parse(entry.j ?? 'null') as Signal });
        if (found.length === query.limit) return { signals: found, nextCursor: streamId };
      }
      if (entries.length < QUERY_CHUNK_ENTRIES) return { signals: found, nextCursor: null };
      end = `(${entries[entries.length - 1]![0]}`;
    }
    return { signals: found, nextCursor: end.slice(1) };
  }
}

function fieldMap(fields: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i]!] = fields[i + 1]!;
  return map;
}
