/**
 * A bounded record of the market-data events the simulator generated, for tests that assert
 * byte equality and sequences, plus synchronous listeners. Bounded per stream so a busy stream
 * (trades) cannot push a quiet one (tickers) out of the record.
 */

/** Events kept per stream name; older ones are dropped. */
export const EVENTS_KEPT_PER_STREAM = 1_000;

/** One generated market-data event. */
export interface SimEvent {
  /** Stream name, e.g. "btcusdt@trade" or "!miniTicker@arr". */
  stream: string;
  /** The payload (what JSON.parse(json) returns); do not mutate. */
  data: unknown;
  /** Exact payload bytes sent on /ws (on /stream they are wrapped as {"stream":..,"data":json}). */
  json: string;
  /** Time the event was generated and handed to the connections (ms since the epoch). */
  sentAt: number;
}

/** Filter of {@link EventLog.recent}. */
export interface EventFilter {
  /** Exact stream name. */
  stream?: string;
  /**
   * Events of that symbol's streams. Binance: any case, excludes !miniTicker@arr; Finnhub: the
   * exact Finnhub symbol; Coinbase: the product id (every channel).
   */
  symbol?: string;
  /** Return only the newest `limit` matching events. */
  limit?: number;
}

/** Whether `stream` belongs to `symbol` (each exchange names its streams its own way). */
export type StreamSymbolMatcher = (stream: string, symbol: string) => boolean;

/** Binance: `<lowercase symbol>@<kind>`. */
export const binanceStreamOfSymbol: StreamSymbolMatcher = (stream, symbol) =>
  stream.startsWith(`${symbol.toLowerCase()}@`);

interface Entry {
  readonly seq: number;
  readonly event: SimEvent;
}

export class EventLog {
  private readonly byStream = new Map<string, Entry[]>();
  private readonly listeners = new Set<(e: SimEvent) => void>();
  private seq = 0;

  constructor(private readonly streamOfSymbol: StreamSymbolMatcher = binanceStreamOfSymbol) {}

  record(event: SimEvent): void {
    let entries = this.byStream.get(event.stream);
    if (!entries) {
      entries = [];
      this.byStream.set(event.stream, entries);
    }
    entries.push({ seq: this.seq++, event });
    // Trim in batches: one splice per EVENTS_KEPT_PER_STREAM / 4 events instead of a shift each.
    if (entries.length > EVENTS_KEPT_PER_STREAM * 1.25)
      entries.splice(0, entries.length - EVENTS_KEPT_PER_STREAM);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A failing listener must not stop the feed; surface the error outside the feed's loop.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Matching events, oldest first. */
  recent(filter: EventFilter = {}): SimEvent[] {
    let entries: Entry[];
    if (filter.stream !== undefined) {
      entries = [...(this.byStream.get(filter.stream) ?? [])].slice(-EVENTS_KEPT_PER_STREAM);
    } else {
      entries = [];
      for (const list of this.byStream.values()) entries.push(...list.slice(-EVENTS_KEPT_PER_STREAM));
      entries.sort((a, b) => a.seq - b.seq);
    }
    let events = entries.map((e) => e.event);
    const symbol = filter.symbol;
    if (symbol !== undefined) events = events.filter((e) => this.streamOfSymbol(e.stream, symbol));
    if (filter.limit !== undefined) events = filter.limit <= 0 ? [] : events.slice(-filter.limit);
    return events;
  }

  onEvent(listener: (e: SimEvent) => void): () => void {
    // Wrap so that registering the same function twice gives two independent subscriptions.
    const wrapped = (e: SimEvent): void => listener(e);
    this.listeners.add(wrapped);
    return () => {
      this.listeners.delete(wrapped);
    };
  }

  clearListeners(): void {
    this.listeners.clear();
  }
}
