/**
 * SSE event ids: positions in the stream precise to one event, so that a client that reconnects
 * with the id of any event it received is given exactly the events after it, on any pod. One
 * stream entry (a batch) becomes several events, one per symbol, so the entry's id alone cannot
 * say how far into the batch a client got. `<entry id>.<index>` is the event of the batch's
 * ticker at `index`; the bare entry id is the end of the batch (what a snapshot or a status that
 * reflects the whole batch carries). Both engines issue entry ids in the Redis format, so the
 * ids mean the same on every pod and engine. Clients treat them as opaque.
 */
import { compareStreamIds, type StreamId } from './stream-id';

/** An entry id with an optional ticker index; anything else is not an id we issued. */
const EVENT_ID_RE = /^((\d{1,16})-(\d{1,16}))(?:\.(\d{1,9}))?$/;

export interface EventPosition {
  /** The stream entry (batch) id. */
  entryId: string;
  entry: StreamId;
  /** The ticker's index in the entry; undefined for the end of the entry. */
  index: number | undefined;
}

/** The id of the event of the ticker at `index` of the entry `entryId`. */
export function tickEventId(entryId: string, index: number): string {
  return `${entryId}.${index}`;
}

/** Parses an event id; undefined for anything we did not issue (a client may send garbage). */
export function parseEventId(id: string): EventPosition | undefined {
  const match = EVENT_ID_RE.exec(id);
  if (!match) return undefined;
  return {
    entryId: match[1]!,
    entry: { ms: BigInt(match[2]!), seq: BigInt(match[3]!) },
    index: match[4] === undefined ? undefined : Number(match[4]),
  };
}

/** Orders two positions like a comparator; the end of an entry comes after each of its events. */
export function compareEventPositions(a: EventPosition, b: EventPosition): number {
  const byEntry = compareStreamIds(a.entry, b.entry);
  if (byEntry !== 0) return byEntry;
  if (a.index === b.index) return 0;
  if (a.index === undefined) return 1;
  if (b.index === undefined) return -1;
  return a.index - b.index;
}
