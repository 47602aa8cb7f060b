/**
 * The signals the scanner detected, kept 30 days in one Redis stream. The active scanner
 * appends (fenced, deduplicated by the signal's id in the same script: a signal is stored at
 * most once whatever restarts and failovers replay); any replica answers queries, newest first,
 * for one owner and optionally one strategy or symbol, and replays an owner's signals after a
 * place in the stream, oldest first, for a stream client that resumes.
 */
import type { RedisClient, StreamEntry } from '@tickwire/cluster';
import { NotLeaderError } from '@tickwire/cluster';
import type { ScannerKeys } from '../store/keys';
import type { ScannerScripts } from '../store/scanner-scripts';
import type { Signal } from './signal';
import { decodeSignalEntry, matchesFilter, type SignalEntry, type SignalFilter } from './signal-entry';

/** How long signals (and their dedupe marks) are kept (ms). */
export const SIGNAL_RETENTION_MS = 30 * 86_400_000;
/** Entries read from the stream per round trip while looking for an owner's signals. */
const QUERY_CHUNK_ENTRIES = 500;
/** A query reads at most this many entries, then answers with what it found and a cursor. */
export const MAX_SCANNED_ENTRIES = 20_000;

export interface SignalQuery extends SignalFilter {
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

export interface ReplayQuery extends SignalFilter {
  /** The stream id to replay after (need not be held any more: ids only go up). */
  after: string;
  /** Signals replayed at most. */
  limit: number;
  /** Entries read at most, whoever they belong to. */
  maxScanned: number;
}

export interface SignalReplay {
  /** The owner's matching signals after `after`, oldest first. */
  entries: SignalEntry[];
  /** The last entry read (whoever it belongs to): everything up to it was looked at. */
  coveredUpTo: string | undefined;
  /** True when the read reached the end of the stream; false when a limit stopped it first. */
  complete: boolean;
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
      for (const raw of entries) {
        scanned++;
        const entry = decodeSignalEntry(raw);
        if (entry === undefined || !matchesFilter(entry, query)) continue;
        const { streamId } = entry;
        found.push({ streamId, signal: JSON.parse(entry.json) as Signal });
        if (found.length === query.limit) return { signals: found, nextCursor: streamId };
      }
      if (entries.length < QUERY_CHUNK_ENTRIES) return { signals: found, nextCursor: null };
      end = `(${entries[entries.length - 1]![0]}`;
    }
    return { signals: found, nextCursor: end.slice(1) };
  }

  /** Oldest first, from just after `query.after`, until the end of the stream or a limit. */
  async replay(query: ReplayQuery): Promise<SignalReplay> {
    const { client, keys } = this.options;
    const entries: SignalEntry[] = [];
    let coveredUpTo: string | undefined;
    let scanned = 0;
    while (scanned < query.maxScanned) {
      const count = Math.min(QUERY_CHUNK_ENTRIES, query.maxScanned - scanned);
      const chunk = (await client.xrange(
        keys.signals,
        `(${coveredUpTo ?? query.after}`,
        '+',
        'COUNT',
        count,
      )) as StreamEntry[];
      for (const raw of chunk) {
        scanned++;
        coveredUpTo = raw[0];
        const entry = decodeSignalEntry(raw);
        if (entry === undefined || !matchesFilter(entry, query)) continue;
        entries.push(entry);
        if (entries.length === query.limit) return { entries, coveredUpTo, complete: false };
      }
      if (chunk.length < count) return { entries, coveredUpTo, complete: true };
    }
    return { entries, coveredUpTo, complete: false };
  }

  /** The id of the newest signal the stream holds; undefined while it holds none. */
  async newestId(): Promise<string | undefined> {
    const { client, keys } = this.options;
    const [newest] = await client.xrevrange(keys.signals, '+', '-', 'COUNT', 1);
    return newest?.[0];
  }
}
