/**
 * A feed whose connections send what it produced in batches (Finnhub, Massive: one frame holds
 * every event of an interval): the feed runs, and every `intervalMs` each connection flushes.
 */
import type { VenueFeed } from './venue-sim';

export function batchedFeed(
  feed: VenueFeed,
  connections: Iterable<{ flush(): void }>,
  intervalMs: number,
): VenueFeed {
  let timer: NodeJS.Timeout | undefined;
  return {
    start: () => {
      feed.start();
      timer = setInterval(() => {
        for (const connection of connections) connection.flush();
      }, intervalMs);
    },
    stop: () => {
      feed.stop();
      clearInterval(timer);
    },
    setTradesPerSecond: (tradesPerSecond) => feed.setTradesPerSecond(tradesPerSecond),
  };
}
