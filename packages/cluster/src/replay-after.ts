/**
 * The replay rule both engines share, once they found the entry a client's Last-Event-ID names
 * still in the stream: the rest of that entry when the id names one of its events, then every
 * later entry. Stream entries are the same on every pod, so the result is too.
 */
import type { ReplayResult, TickBatch } from './engine';
import type { EventPosition } from './event-id';

/** `held` is the whole entry `position` names; `later` the entries after it, in order. */
export function replayAfter(position: EventPosition, held: TickBatch, later: TickBatch[]): ReplayResult {
  if (position.index === undefined) return { recovered: true, batches: later };
  // No event of this entry has that index: the id was not issued here.
  if (position.index >= held.tickers.length) return { recovered: false };
  const firstIndex = position.index + 1;
  if (firstIndex === held.tickers.length) return { recovered: true, batches: later };
  const rest: TickBatch = { id: held.id, tickers: held.tickers.slice(firstIndex), firstIndex };
  return { recovered: true, batches: [rest, ...later] };
}
