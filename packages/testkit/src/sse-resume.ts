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

/** A Redis stream entry as XRANGE returns it: its id and its fields, flat. */
export type StreamEntry = [id: string, fields: string[]];

/**
 * The tick events pods send for entries of the cluster's tick stream, worked out from the entries
 * alone: per entry, the latest ticker of each symbol, in the order of those latest tickers, each
 * with the id `<entry id>.<its index in the entry>` and the ticker's JSON as data.
 */
export function tickEventsOfEntries(entries: readonly StreamEntry[]): { id: string; data: string }[] {
  const out: { id: string; data: string }[] = [];
  for (const [id, fields] of entries) {
    const latestBySymbol = new Map<string, { index: number; data: string }>();
    const tickers = JSON.parse(fields[fields.indexOf('b') + 1]!) as { symbol: string }[];
    tickers.forEach((ticker, index) => {
      latestBySymbol.delete(ticker.symbol);
      latestBySymbol.set(ticker.symbol, { index, data: JSON.stringify(ticker) });
    });
    for (const { index, data } of latestBySymbol.values()) out.push({ id: `${id}.${index}`, data });
  }
  return out;
}
