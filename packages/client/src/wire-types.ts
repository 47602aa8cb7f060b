/**
 * What the pods send, as the client reads it. Tickers and candles are the workspace's own types
 * (prices and sizes stay the exchange's decimal strings); the rest mirror the HTTP API's
 * documented bodies (README, "API").
 */
import type { Candle, CandleInterval, Ticker } from '@tickwire/core';

export type { Candle, CandleInterval, ExchangeId, Ticker, TickerSource } from '@tickwire/core';

/** A ticker as REST and a stream's `snapshot` serve it: `stale` when the pod holds nothing newer than its `STALE_AFTER_MS`. */
export interface ServedTicker extends Ticker {
  stale: boolean;
}

/** `GET /v1/prices[?symbols=]`: the prices the pod has, and the asked-for symbols it has none for yet. */
export interface PriceList {
  prices: ServedTicker[];
  missing: string[];
}

/** One market of `GET /v1/markets`: a venue's symbol or an asset (`ASSETS`), named, with its latest figures. */
export interface MarketEntry {
  symbol: string;
  kind: 'symbol' | 'asset';
  /** Where its prices come from: `binance`, `coinbase`, `finnhub`; for an asset, its current source's venue. */
  venue: string;
  /** The venue catalog's name (`BTC/USDT`, `APPLE INC`), null while that catalog is not loaded; an asset's own name. */
  name: string | null;
  /** Assets only: the source symbol its price comes from now; null before its first price. */
  origin?: string | null;
  /** Assets only: its source symbols, the preferred one first. */
  sources?: string[];
  /** Decimal strings as the venue sent them; null where there is none yet or the venue gives none. */
  last: string | null;
  changePct: string | null;
  baseVolume: string | null;
  quoteVolume: string | null;
  eventTime: number | null;
  stale: boolean;
}

/** `GET /v1/markets`: the markets that matched, sorted and cut to `limit`, and how many matched. */
export interface MarketList {
  markets: MarketEntry[];
  total: number;
}

/** What `GET /v1/markets` can sort by. */
export type MarketSortField = 'symbol' | 'name' | 'last' | 'changePct' | 'baseVolume' | 'quoteVolume';

/** Filters and order of `GET /v1/markets`; every one optional. */
export interface MarketListOptions {
  /** Venues to keep (`binance`, `coinbase`, `finnhub`). */
  venues?: readonly string[];
  /** Text in the symbol or name, any case. */
  q?: string;
  sort?: MarketSortField;
  /** Default: largest first for numbers, A first for text. */
  order?: 'asc' | 'desc';
  limit?: number;
}

/** Whether a series' history is all there, still being fetched from the exchange, or not to be had. */
export type BackfillState = 'complete' | 'pending' | 'unavailable';

/** `GET /v1/candles/:symbol`: closed candles oldest first, the pod's open candle last. */
export interface CandleHistory {
  symbol: string;
  interval: CandleInterval;
  backfill: BackfillState;
  /** Why history starts with the relay, when `backfill` is `unavailable`. */
  backfillReason?: { code: string; message: string };
  candles: Candle[];
}

/** What a pod says about the prices it serves. */
export type ServingState = 'live' | 'degraded' | 'stale';

/** The cluster's exchange connection as pods report it. */
export type UpstreamConnectionState = 'idle' | 'connecting' | 'open' | 'silent' | 'waiting' | 'stopped';

/** The exchange connect breaker: `open` means no connect is tried until it half-opens. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** The data of a stream's `status` event (and `stream` of `/v1/status`). */
export interface ServerStreamStatus {
  state: ServingState;
  leaderId: string | null;
  epoch: number;
  upstream: { connection: UpstreamConnectionState; breaker: BreakerState } | null;
  /** With `ASSETS` on the pods: per asset, the source symbol it is served from now (null before its first tick). */
  assets?: Record<string, string | null>;
  /** Present, and false, when a resume could not be served: the `snapshot` before it replaced the missed events. */
  recovered?: false;
}

/** The last `status` event of a stream the pod ends; reconnect (another pod serves when this one shuts down). */
export interface StreamEnding {
  state: 'closing' | 'disconnected';
  /** `server-shutdown`, `replay-limit` (resume again from the last id), `slow-consumer`. */
  reason: string;
}

/** One exchange's upstream in `/v1/status` (the fields a client is likely to show; the pod sends more). */
export interface UpstreamReport {
  exchange: string;
  connection: UpstreamConnectionState;
  breaker: BreakerState;
  connectedSince?: number;
  lastFrameAt?: number;
  reconnects: number;
  symbols: { subscribed: number; refused: string[] };
  restFallback: { state: string; usedWeight?: number; weightLimit?: number };
}

/** `GET /v1/status`: one pod's view of itself and of the cluster (the pod sends more, see the README). */
export interface PodStatus {
  instanceId: string;
  role: 'leader' | 'follower';
  leaderId: string | null;
  epoch: number;
  engine: 'memory' | 'redis';
  state: ServingState;
  startedAt: string;
  uptimeSeconds: number;
  lease: {
    leaseMs: number;
    renewMs: number;
    renewDeadlineMs: number;
    retryMs: number;
    lastRenewAgeMs: number | null;
    reachable: boolean;
  };
  distribution: { connected: boolean; error?: string };
  upstream: UpstreamReport | null;
  upstreams: UpstreamReport[];
  upstreamHeldHere: boolean;
  symbols: readonly string[];
  /** What the exchanges keep to some plans (Finnhub: candles, forex rates) and what the relay does without it. */
  planLimits: {
    exchange: string;
    feature: string;
    endpoints: readonly string[];
    plans: string;
    without: string;
  }[];
  sseClients: number;
  lastBatchId: string | null;
  lastBatchAgeMs: number | null;
  stream: ServerStreamStatus;
}

/** What one condition of a strategy saw when a signal was detected. */
export interface SignalFact {
  type: string;
  met: boolean;
  values: Record<string, number | string | boolean | null>;
}

/** One strategy met on one candle of one symbol (the scanner's signal), as `GET /v1/signals` lists it. */
export interface ScannerSignal {
  /** `<strategyId>:<symbol>:<interval>:<candleOpenTime>`: one per qualifying candle. */
  id: string;
  ownerId: string;
  strategyId: string;
  strategyName: string;
  symbol: string;
  interval: CandleInterval;
  candleOpenTime: number;
  /** False when the strategy evaluates open candles and was met before this one closed. */
  candleClosed: boolean;
  /** The candle's close when the strategy was met, as the exchange sent it. */
  close: string;
  facts: SignalFact[];
  detectedAt: number;
  /** Its position in the owner's signal log (the live stream's event id). */
  storedId: string;
}

/** A page of signals, newest first; `nextCursor` asks for the older ones. */
export interface SignalPage {
  signals: ScannerSignal[];
  nextCursor: string | null;
}
