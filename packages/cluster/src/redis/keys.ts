/**
 * Every Redis key and channel Tickwire uses, spelled once (STYLE rule 4). All keys of a
 * namespace share one hash tag, so each Lua script's keys live in one slot of a Redis Cluster;
 * tests isolate themselves with a fresh namespace on a shared server.
 */

/** The production namespace: keys read `tw:{tw}:leader` as in DESIGN.md. */
export const DEFAULT_NAMESPACE = 'tw';

const NAMESPACE_RE = /^[A-Za-z0-9_.-]{1,64}$/;

export interface ClusterKeys {
  readonly namespace: string;
  /** String `<instanceId>:<epoch>` with a PX lease: who leads. */
  readonly leader: string;
  /** Counter: the fencing epoch, incremented on every acquisition. */
  readonly epoch: string;
  /** String with the leader's report (JSON), written with each renew and expiring with the lease. */
  readonly leaderReport: string;
  /** Hash symbol -> latest ticker JSON. */
  readonly prices: string;
  /** Stream of published batches; entry ids are the SSE event ids. */
  readonly ticks: string;
  /** Pub/sub channel: `elected <id:epoch>` and `released <id:epoch>`. */
  readonly leaderEvents: string;
  /** Sorted set symbol -> expiry (ms since the epoch on Redis's clock): what clients want. */
  readonly wanted: string;
  /** Pub/sub channel: a JSON array of the symbols a touch added (nobody wanted them before). */
  readonly interestEvents: string;
  /**
   * String (JSON, see scanner-heartbeat.ts): the leader's heartbeat, written fenced. The scanner
   * writes it in its own namespace; the pods read it from there.
   */
  readonly heartbeat: string;
  /** Stream of live candle closes (field `c`: the candle JSON), for readers that resume by id. */
  readonly candleCloses: string;
  /** Pub/sub channel: the JSON of each candle a live close stored. */
  readonly candleCloseEvents: string;
  /** Hash `<interval>|<symbol>` -> covered open-time ranges `from:to,from:to` (ms). */
  readonly candleCovered: string;
  /** Set of `<interval>|<symbol>`: series some pod or service asked the leader to backfill. */
  readonly candleBackfillRequests: string;
  /** Hash `<interval>|<symbol>` -> JSON `{code, message, until}`: series the exchange refuses for now. */
  readonly candleBackfillRefusals: string;
  /** Sorted set of a series' closed candles: open time -> candle JSON. */
  candles(symbol: string, interval: string): string;
}

/**
 * The field of a series in `candleCovered`, `candleBackfillRequests` and `candleBackfillRefusals`
 * (symbols never contain `|`).
 */
export function candleSeriesField(symbol: string, interval: string): string {
  return `${interval}|${symbol}`;
}

export function clusterKeys(namespace: string = DEFAULT_NAMESPACE): ClusterKeys {
  const prefix = keyPrefix(namespace);
  return {
    namespace,
    leader: `${prefix}leader`,
    epoch: `${prefix}epoch`,
    leaderReport: `${prefix}leader-report`,
    prices: `${prefix}px`,
    ticks: `${prefix}ticks`,
    leaderEvents: `${prefix}leader-events`,
    wanted: `${prefix}wanted`,
    interestEvents: `${prefix}interest-events`,
    heartbeat: `${prefix}heartbeat`,
    candleCloses: `${prefix}candle-closes`,
    candleCloseEvents: `${prefix}candle-close-events`,
    candleCovered: `${prefix}candle-covered`,
    candleBackfillRequests: `${prefix}candle-backfill-requests`,
    candleBackfillRefusals: `${prefix}candle-backfill-refusals`,
    candles: (symbol, interval) => `${prefix}candles:${interval}:${symbol}`,
  };
}

/**
 * `<ns>:{<ns>}:`, the start of every key of a namespace; a service that keeps its own keys beside
 * the election's (the scanner) builds them on it, so they share the hash tag.
 */
export function keyPrefix(namespace: string): string {
  if (!NAMESPACE_RE.test(namespace)) {
    throw new TypeError(`namespace must match ${NAMESPACE_RE.source}, got ${JSON.stringify(namespace)}`);
  }
  return `${namespace}:{${namespace}}:`;
}

/**
 * The keys of stream access, in the namespace of the gateway that issues stream tokens
 * (`GATEWAY_NAMESPACE`): the gateway writes revocations, the pods read them and hold the stream
 * leases. Spelled here so the pods reach them without knowing the gateway service.
 */
export interface StreamAccessKeys {
  readonly namespace: string;
  /** Sorted set key id -> when it was revoked (ms); entries older than the longest token lifetime are dropped. */
  readonly revokedKeys: string;
  /** Pub/sub channel: the id of each key revoked, as it is revoked. */
  readonly revocationEvents: string;
  /** Sorted set lease id -> expiry (ms on Redis's clock): the open streams of one subject. */
  streamLeases(subject: string): string;
}

export function streamAccessKeys(namespace: string): StreamAccessKeys {
  const prefix = keyPrefix(namespace);
  return {
    namespace,
    revokedKeys: `${prefix}revoked-keys`,
    revocationEvents: `${prefix}revocation-events`,
    streamLeases: (subject) => `${prefix}streams:${subject}`,
  };
}
