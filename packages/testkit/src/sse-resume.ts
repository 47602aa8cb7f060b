/**
 * For tests of exact resume: a place where a client can leave off inside a batch, and the ticks a
 * client that stayed connected received after it, to compare a resumed client's ticks with.
 */
import type { SseEvent } from './sse-test-client';

/** The stream entry (batch) of an event id: `<entry>.<index>` for a tick, `<entry>` for the end. */
const entryOf = (id: string | undefined) => id?.split('.')[0];

/** A tick followed by another tick of the same batch: a client reading up to it left mid-batch. */
export function midBatchTick(events: readonly SseEvent[]): SseEvent | undefined {
  const ticks = events.filter((event) => event.event === 'tick');
  return ticks.find((tick, i) => tick.id !== undefined && entryOf(ticks[i + 1]?.id) === entryOf(tick.id));
}

/**
 * The `count` ticks `reference` (a client connected all along, with the same subscription)
 * received right after `from`, as id and data; undefined until it has that many.
 */
export function ticksAfter(
  reference: readonly SseEvent[],
  from: SseEvent,
  count: number,
): { id: string | undefined; data: string }[] | undefined {
  const ticks = reference.filter((event) => event.event === 'tick');
  const start = ticks.findIndex((tick) => tick.id === from.id && tick.data === from.data);
  if (start === -1 || ticks.length < start + 1 + count) return undefined;
  return ticks.slice(start + 1, start + 1 + count).map(({ id, data }) => ({ id, data }));
}
