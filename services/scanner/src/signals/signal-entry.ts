/**
 * A signal as the signal stream holds it: the entry's id (its place in the stream, the SSE event
 * id and the query cursor), the fields queries filter on, and the signal's JSON exactly as the
 * active scanner appended it, so a stream can send it without decoding or encoding it again.
 */
import type { StreamEntry } from '@tickwire/cluster';

export interface SignalEntry {
  /** `<ms>-<seq>`, given by Redis's XADD. */
  streamId: string;
  ownerId: string;
  strategyId: string;
  symbol: string;
  /** The Signal, as JSON on one line. */
  json: string;
}

/** Which of an owner's signals a reader wants: all, or one strategy's, or one symbol's, or both. */
export interface SignalFilter {
  ownerId: string;
  strategyId?: string;
  symbol?: string;
}

/** The entry's fields (o owner, s strategy, y symbol, j JSON); undefined when one is missing. */
export function decodeSignalEntry([streamId, fields]: StreamEntry): SignalEntry | undefined {
  let ownerId: string | undefined;
  let strategyId: string | undefined;
  let symbol: string | undefined;
  let json: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1]!;
    switch (fields[i]) {
      case 'o':
        ownerId = value;
        break;
      case 's':
        strategyId = value;
        break;
      case 'y':
        symbol = value;
        break;
      case 'j':
        json = value;
        break;
    }
  }
  if (ownerId === undefined || strategyId === undefined || symbol === undefined || json === undefined)
    return undefined;
  return { streamId, ownerId, strategyId, symbol, json };
}

export function matchesFilter(entry: SignalEntry, filter: SignalFilter): boolean {
  return (
    entry.ownerId === filter.ownerId &&
    (filter.strategyId === undefined || entry.strategyId === filter.strategyId) &&
    (filter.symbol === undefined || entry.symbol === filter.symbol)
  );
}
