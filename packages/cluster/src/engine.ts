/**
 * The engine seam (DESIGN.md "Engines"): a pod runs on the memory engine (one pod, always
 * leader) or the Redis engine (many pods, one elected leader). Both implement these
 * interfaces and pass one contract suite, so nothing above this package knows which it has.
 */
import type { Candle, CandleInterval, Lifecycle, Ticker } from '@tickwire/core';

/**
 * One published batch: its stream entry id and its tickers, in order. Each ticker's SSE event id
 * is the entry id and its index in the entry (event-id.ts).
 */
export interface TickBatch {
  id: string;
  tickers: Ticker[];
  /**
   * The index in the entry of `tickers[0]`: absent (0) for a whole entry, more for the rest of an
   * entry that a replay began inside of.
   */
  firstIndex?: number;
  /**
   * Set when the batch is not an entry but a follower's catch-up from the latest table, after the
   * stream lost its place (trimmed, or Redis lost its data): its tickers have no position to
   * resume from.
   */
  resync?: boolean;
}

/** The latest table, and the entry it is exact as of (what a client given it resumes after). */
export interface DistributionSnapshot {
  /** Undefined while the stream has no entry. */
  id: string | undefined;
  tickers: Ticker[];
}

/** The result of asking for every event after a client's Last-Event-ID. */
export type ReplayResult =
  /** The first batch may be the rest of the entry the id points into (`firstIndex` > 0). */
  | { recovered: true; batches: TickBatch[] }
  /** The id is older than what the stream still holds, or unknown: the client needs a snapshot. */
  | { recovered: false };

export type BatchListener = (batch: TickBatch) => void;

/** Moves tickers from the leader's publisher to every pod's hub. */
export interface Distribution extends Lifecycle {
  /**
   * Leader side: appends one batch (fenced in the Redis engine). Resolves with the batch id,
   * or rejects with a fencing error when this pod is no longer the leader.
   */
  publish(tickers: Ticker[]): Promise<string>;
  /** Every pod: batches in stream order, starting after the snapshot taken at start(). */
  onBatch(listener: BatchListener): () => void;
  /** The latest ticker of every symbol (the table a new pod or a reconnecting client starts from). */
  snapshot(): Promise<DistributionSnapshot>;
  /**
   * Exactly the events after `lastEventId` (any event id a pod issued: see event-id.ts), as
   * batches, if the stream still holds the entry it names and everything after it.
   */
  replaySince(lastEventId: string): Promise<ReplayResult>;
  /** Whether this pod is following the stream right now (false while Redis is unreachable). */
  connection(): DistributionConnection;
}

export interface DistributionConnection {
  connected: boolean;
  /** Why it is not connected, when it is not. */
  error?: string;
}

export type Role = 'leader' | 'follower';

export interface LeadershipState {
  role: Role;
  instanceId: string;
  /** The current leader's instance id, when known. */
  leaderId: string | undefined;
  /** The fencing epoch of the current leadership (0 before any election). */
  epoch: number;
  /**
   * What the leader last reported about its work (opaque JSON from `setReporter`), so that
   * followers can describe the upstream they do not hold.
   */
  leaderReport: string | undefined;
}

/** The election's timings and the age of this pod's last successful renew, for /v1/status. */
export interface LeaseInfo {
  leaseMs: number;
  renewMs: number;
  renewDeadlineMs: number;
  retryMs: number;
  /** Since this pod last proved its lease (ms on the monotonic clock), null unless it leads. */
  lastRenewAgeMs: number | null;
  /** Whether the election can reach its store right now. */
  reachable: boolean;
}

export type LeadershipListener = (state: LeadershipState) => void;

/** Decides which pod holds the upstream. */
export interface Election extends Lifecycle {
  state(): LeadershipState;
  lease(): LeaseInfo;
  /**
   * True while this pod leads and its lease is still provably held on the local monotonic
   * clock. Called on the hot path before leader work: when the renew deadline has passed
   * (say the process was frozen), it steps down at once, synchronously, and returns false.
   */
  confirmLeadership(): boolean;
  /** Gives up leadership now (a fenced write was refused): listeners hear `follower` at once. */
  stepDown(reason: string): void;
  /** What the leader attaches to each renew for followers to read (see `leaderReport`). */
  setReporter(reporter: () => string): void;
  /** Called on every role or leader change. */
  onChange(listener: LeadershipListener): () => void;
}

/** Receives the symbols one touch added, in that touch's order. */
export type InterestListener = (symbols: string[]) => void;

/**
 * Which symbols clients anywhere in the cluster want (dynamic subscriptions). Every pod touches
 * the symbols its clients want, again and again before the TTL runs out; the leader subscribes
 * what is added and, after a grace period, unsubscribes what `wanted()` no longer lists. A pod
 * that dies simply stops touching, so its symbols lapse without any clean-up.
 */
export interface SymbolInterest extends Lifecycle {
  /**
   * Marks `symbols` as wanted until `ttlMs` from now on the store's clock (Redis TIME, not the
   * pod's, so pods with skewed clocks agree). A symbol already wanted keeps the later expiry.
   * Resolves with the symbols that nobody wanted before this call (expired ones count as not
   * wanted), each once, in the order given. Rejects with a TypeError or RangeError for invalid
   * input (see `validateInterestTouch`), and with the store's error when it cannot be reached:
   * the caller retries on its own schedule.
   */
  touch(symbols: readonly string[], ttlMs: number): Promise<string[]>;
  /** Every symbol wanted right now (expired ones are removed), sorted. */
  wanted(): Promise<string[]>;
  /**
   * Called on every pod (leader included) while started, soon after any pod's touch added
   * symbols nobody wanted before. A hint for acting at once, not a log: events published while
   * a pod was disconnected are lost, so the leader still reconciles with `wanted()`.
   */
  onAdded(listener: InterestListener): () => void;
}

/** One symbol's candles of one interval. */
export interface CandleSeriesKey {
  symbol: string;
  interval: CandleInterval;
}

/** Open times `from` to `to` (both inclusive, ms) whose candles the store holds or knows do not exist. */
export interface CandleRange {
  from: number;
  to: number;
}

/** What one fenced append writes. */
export interface CandleAppend extends CandleSeriesKey {
  /** Closed candles of this series, in any order; those whose open time is stored already are skipped. */
  candles: readonly Candle[];
  /**
   * The open times these candles account for, gaps included (an exchange sends no candle for a
   * minute without trades): recorded so that range is never fetched again. Default: from the
   * first to the last candle.
   */
  covers?: CandleRange;
  /**
   * `close`: candles that just closed, each also added to the closes stream and announced to
   * `onClose` listeners. `backfill`: history fetched from the exchange, stored only.
   */
  source: 'close' | 'backfill';
}

/**
 * Why the exchange will not give a series' history, for a while: the account's plan has no
 * candles (Finnhub's free plan). Recorded by the leader, read by every pod, so none asks again
 * before `until` and each can tell its clients why.
 */
export interface CandleBackfillRefusal {
  /** A stable code clients can switch on. */
  code: string;
  /** What happened and what to change, with the exchange's own words. */
  message: string;
  /** Until when it holds (ms since the epoch); then the leader asks the exchange again. */
  until: number;
}

/** One entry of the closes stream: its id (resume after it) and the candle. */
export interface CandleCloseEntry {
  id: string;
  candle: Candle;
}

export type CandleCloseListener = (candle: Candle) => void;

/**
 * The cluster's closed candles (the history every pod serves): bounded per series, written
 * only by the leader through fenced appends that are idempotent by open time, so a failover or
 * a replay never stores a candle twice. Live closes also go to a stream a reader can resume
 * from by id (the scanner's trigger) and to `onClose` listeners on every pod (SSE events).
 */
export interface CandleHistory extends Lifecycle {
  /** Candles kept per series; older ones are dropped as newer ones arrive. */
  readonly retainedCandles: number;
  /**
   * Leader side: stores the candles whose open time the series does not hold yet and records
   * `covers`. Resolves with the candles stored; rejects with a fencing error when this pod is
   * no longer the leader (and then stores nothing).
   */
  appendClosed(append: CandleAppend): Promise<Candle[]>;
  /** Up to `limit` of the newest closed candles of a series, oldest first. */
  closed(series: CandleSeriesKey, limit: number): Promise<Candle[]>;
  /** The recorded ranges of a series (merged, sorted), what backfill never fetches again. */
  covered(series: CandleSeriesKey): Promise<CandleRange[]>;
  /**
   * Up to `count` entries of the closes stream after `afterId` (from the oldest retained entry
   * when undefined), oldest first. A reader that stores the last id it handled resumes there.
   */
  closesAfter(afterId: string | undefined, count: number): Promise<CandleCloseEntry[]>;
  /** Every pod, while started: each candle a leader's `close` append stored, soon after. Lossy. */
  onClose(listener: CandleCloseListener): () => void;
  /** Any pod or service: asks the leader to backfill a series (it reads `backfillRequests`). */
  requestBackfill(series: CandleSeriesKey): Promise<void>;
  /** The series asked for and not yet covered by a `backfill` append. */
  backfillRequests(): Promise<CandleSeriesKey[]>;
  /**
   * Leader side: records that the exchange refuses the series' history until `refusal.until`,
   * and drops the series' backfill request. Not fenced: it is a fact about the exchange account,
   * as true from a leader that was just replaced, and it writes no candle.
   */
  refuseBackfill(series: CandleSeriesKey, refusal: CandleBackfillRefusal): Promise<void>;
  /** The series' recorded refusal while it holds (`until` in the future); else undefined. */
  backfillRefusal(series: CandleSeriesKey): Promise<CandleBackfillRefusal | undefined>;
}

export type EngineKind = 'memory' | 'redis';

/**
 * A pod starts `distribution` first (to load the snapshot and wire the hub), then `candles`,
 * `election` and `interest`; it stops them in reverse order and finally calls `close` to release shared
 * connections.
 */
export interface Engine {
  readonly kind: EngineKind;
  readonly election: Election;
  readonly distribution: Distribution;
  readonly interest: SymbolInterest;
  readonly candles: CandleHistory;
  close(): Promise<void>;
}
