/**
 * The tick events batches become, the same on every pod and on every path (live or replay): per
 * symbol its latest ticker, in the order of those tickers, each with the id of its place in the
 * stream (event-id.ts), so a client that resumes from any event gets exactly the ones after it.
 * Ids therefore only go up along a stream, which conflation and resume rely on.
 */
import { tickEventId, type TickBatch } from '@tickwire/cluster';
import type { Ticker } from '@tickwire/core';

export interface TickEvent {
  ticker: Ticker;
  /** Undefined for a follower's resync from its table: those tickers have no stream position. */
  id: string | undefined;
}

/** Which symbols a caller wants events for (a Set, or a Map keyed by symbol). */
export interface SymbolFilter {
  has(symbol: string): boolean;
}

/**
 * The events of `batches`, one per symbol across all of them (one batch: its own events; several:
 * what a throttled stream would send for them at once), limited to `symbols` when given.
 */
export function tickEvents(batches: readonly TickBatch[], symbols?: SymbolFilter): TickEvent[] {
  const latest = new Map<string, { batch: TickBatch; index: number }>();
  for (const batch of batches) {
    const { tickers } = batch;
    for (let index = 0; index < tickers.length; index += 1) {
      const symbol = tickers[index]!.symbol;
      if (symbols !== undefined && !symbols.has(symbol)) continue;
      // Delete first so the order follows each symbol's latest ticker and ids stay ascending.
      latest.delete(symbol);
      latest.set(symbol, { batch, index });
    }
  }
  const events: TickEvent[] = [];
  for (const { batch, index } of latest.values()) {
    const id = batch.resync ? undefined : tickEventId(batch.id, (batch.firstIndex ?? 0) + index);
    events.push({ ticker: batch.tickers[index]!, id });
  }
  return events;
}
