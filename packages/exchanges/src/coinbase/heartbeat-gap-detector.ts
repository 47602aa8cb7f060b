/**
 * Gap detection on Coinbase's `heartbeat` channel: which product may have lost messages.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/channels#heartbeat-channel and
 * https://docs.cdp.coinbase.com/exchange/websocket-feed/overview#sequence-numbers
 *
 * What a heartbeat can prove, and what it cannot:
 * - Heartbeats come once per second per product, stamped by the exchange (`time`, ~1.000 s
 *   apart). When two consecutive heartbeats of a product are more than `maxHeartbeatGapMs`
 *   apart, at least one was lost, and with it possibly tickers: `missed-heartbeats`.
 * - `sequence` is the product's CURRENT position in its full feed, so it jumps by however many
 *   messages the product had in that second (coinbase-pro-node#227): a jump is normal and never
 *   a gap. It must never go back, though: that means a reordered or restarted feed:
 *   `sequence-went-back`. The same holds for a non-zero `last_trade_id` (often always 0).
 * - Ticker `sequence` numbers skip by design and are never used here.
 *
 * On a gap the caller should get the product's state again (unsubscribe and subscribe its
 * ticker, which replays the latest ticker, or poll REST) and count it; frequent gaps on many
 * products call for a reconnect. Pure: no clock, no timers; call {@link reset} on reconnect.
 */
import type { HeartbeatMessage } from '../feed-message';
import { COINBASE_HEARTBEAT_INTERVAL_MS } from './limits';

/** Why a product's feed is suspect. */
export type CoinbaseGapReason = 'missed-heartbeats' | 'sequence-went-back' | 'trade-id-went-back';

export interface CoinbaseFeedGap {
  /** Canonical symbol of the product, e.g. `COINBASE:BTC-USD`. */
  symbol: string;
  reason: CoinbaseGapReason;
  previousSequence: number;
  sequence: number;
  /** Exchange times (ms) of the two heartbeats, when both carried one. */
  previousTime?: number;
  time?: number;
  /** Heartbeats lost between the two, for `missed-heartbeats`. */
  missedHeartbeats?: number;
}

export interface CoinbaseHeartbeatGapDetectorOptions {
  /**
   * Exchange-time distance between consecutive heartbeats of a product above which one counts
   * as lost. Heartbeats are stamped ~1.000 s apart, so 1.5 s catches a single lost one.
   */
  maxHeartbeatGapMs: number;
}

export const DEFAULT_COINBASE_HEARTBEAT_GAP_DETECTOR_OPTIONS: Readonly<CoinbaseHeartbeatGapDetectorOptions> =
  Object.freeze({ maxHeartbeatGapMs: 1.5 * COINBASE_HEARTBEAT_INTERVAL_MS });

interface LastHeartbeat {
  sequence: number;
  time: number | undefined;
  lastTradeId: number | undefined;
}

export class CoinbaseHeartbeatGapDetector {
  private readonly options: CoinbaseHeartbeatGapDetectorOptions;
  private readonly last = new Map<string, LastHeartbeat>();

  constructor(options: Partial<CoinbaseHeartbeatGapDetectorOptions> = {}) {
    this.options = { ...DEFAULT_COINBASE_HEARTBEAT_GAP_DETECTOR_OPTIONS, ...options };
    if (!(this.options.maxHeartbeatGapMs > COINBASE_HEARTBEAT_INTERVAL_MS)) {
      throw new RangeError(
        `maxHeartbeatGapMs must exceed the ${COINBASE_HEARTBEAT_INTERVAL_MS} ms heartbeat interval, got ${this.options.maxHeartbeatGapMs}`,
      );
    }
  }

  /**
   * Checks one parsed heartbeat against the product's previous one and remembers it. Returns the
   * gap it reveals, or undefined (also for the first heartbeat of a product, and for heartbeats
   * without a symbol and sequence, such as Finnhub's ping).
   */
  observe(heartbeat: HeartbeatMessage): CoinbaseFeedGap | undefined {
    const { symbol, sequence, time, lastTradeId } = heartbeat;
    if (symbol === undefined || sequence === undefined) return undefined;
    const previous = this.last.get(symbol);
    // A 0 trade id says nothing (it is often always 0): the last real one stays the reference.
    const knownTradeId = lastTradeId !== undefined && lastTradeId > 0 ? lastTradeId : previous?.lastTradeId;
    this.last.set(symbol, { sequence, time, lastTradeId: knownTradeId });
    if (previous === undefined) return undefined;

    const base = {
      symbol,
      previousSequence: previous.sequence,
      sequence,
      ...(previous.time === undefined ? {} : { previousTime: previous.time }),
      ...(time === undefined ? {} : { time }),
    };
    if (sequence < previous.sequence) return { ...base, reason: 'sequence-went-back' };
    if (
      lastTradeId !== undefined &&
      lastTradeId > 0 &&
      previous.lastTradeId !== undefined &&
      lastTradeId < previous.lastTradeId
    ) {
      return { ...base, reason: 'trade-id-went-back' };
    }
    if (
      time !== undefined &&
      previous.time !== undefined &&
      time - previous.time > this.options.maxHeartbeatGapMs
    ) {
      const missedHeartbeats = Math.max(
        1,
        Math.round((time - previous.time) / COINBASE_HEARTBEAT_INTERVAL_MS) - 1,
      );
      return { ...base, reason: 'missed-heartbeats', missedHeartbeats };
    }
    return undefined;
  }

  /** Forgets one product (after unsubscribing it, or after resubscribing to recover from a gap). */
  forget(symbol: string): void {
    this.last.delete(symbol);
  }

  /** Forgets every product: call on every new connection, whose first heartbeats start afresh. */
  reset(): void {
    this.last.clear();
  }

  /** Products with a remembered heartbeat. */
  symbols(): string[] {
    return [...this.last.keys()];
  }
}
