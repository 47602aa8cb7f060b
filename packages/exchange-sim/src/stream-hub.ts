/**
 * Fan-out of market data to connections. Each event is encoded once per shape (bare payload for
 * raw connections, {"stream","data"} envelope for combined ones) and the same Buffer is written
 * to every subscriber (STYLE rule 8). The hub also tells the feed when a stream gains its first
 * or loses its last subscriber, so klines are only computed while someone listens.
 */

/** A connection as the hub sees it. */
export interface HubClient {
  /** Whether this connection wants the {"stream","data"} envelope (SET_PROPERTY can flip it). */
  readonly combined: boolean;
  /** Writes one text frame of `stream`. */
  sendFrame(frame: Buffer, stream: string): void;
}

export interface StreamActivityListener {
  onStreamActive(stream: string): void;
  onStreamIdle(stream: string): void;
}

/** For feeds that generate every stream whether or not anyone listens. */
export const NO_ACTIVITY_LISTENER: StreamActivityListener = {
  onStreamActive: () => undefined,
  onStreamIdle: () => undefined,
};

export class StreamHub {
  private readonly subscribers = new Map<string, Set<HubClient>>();
  private total = 0;

  constructor(
    private readonly isStalled: () => boolean,
    private readonly activity: StreamActivityListener = NO_ACTIVITY_LISTENER,
  ) {}

  /** Stream subscriptions summed over connections. */
  get subscriptionCount(): number {
    return this.total;
  }

  subscribe(client: HubClient, stream: string): void {
    let set = this.subscribers.get(stream);
    if (!set) {
      set = new Set();
      this.subscribers.set(stream, set);
    }
    if (set.has(client)) return;
    set.add(client);
    this.total += 1;
    if (set.size === 1) this.activity.onStreamActive(stream);
  }

  unsubscribe(client: HubClient, stream: string): void {
    const set = this.subscribers.get(stream);
    if (!set?.delete(client)) return;
    this.total -= 1;
    if (set.size === 0) {
      this.subscribers.delete(stream);
      this.activity.onStreamIdle(stream);
    }
  }

  /** Every stream with subscribers and how many connections subscribe to it, sorted by name. */
  streamCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const stream of [...this.subscribers.keys()].sort()) {
      counts[stream] = this.subscribers.get(stream)?.size ?? 0;
    }
    return counts;
  }

  hasSubscribers(stream: string): boolean {
    return this.subscribers.has(stream);
  }

  /** Sends one event to every subscriber of `stream`; nothing while the feed is stalled. */
  publish(stream: string, json: string): void {
    const set = this.subscribers.get(stream);
    if (!set || this.isStalled()) return;
    let raw: Buffer | undefined;
    let wrapped: Buffer | undefined;
    // Copy: a send can fail and close the client, which unsubscribes it during the loop.
    for (const client of [...set]) {
      if (client.combined) {
        wrapped ??= Buffer.from(`{"stream":${JSON.stringify(stream)},"data":${json}}`);
        client.sendFrame(wrapped, stream);
      } else {
        raw ??= Buffer.from(json);
        client.sendFrame(raw, stream);
      }
    }
  }
}
