/**
 * Every Redis key of the scanner, spelled once, under its own namespace (`SCANNER_NAMESPACE`):
 * the election's keys (from packages/cluster, so the scanner never competes with the pods) and
 * the scanner's records, indexes and signals beside them. All share the hash tag `{<ns>}`, so
 * each Lua script's keys lie in one slot of a Redis Cluster; tests use a fresh namespace each.
 */
import type { CandleInterval } from '@tickwire/core';
import { clusterKeys, keyPrefix, type ClusterKeys } from '@tickwire/cluster';

export interface ScannerKeys {
  readonly namespace: string;
  /** The election's keys: leader, epoch, leader events, heartbeat. */
  readonly election: ClusterKeys;
  /** Counter, incremented by every catalog write: readers cache until it moves. */
  readonly catalogVersion: string;
  /** String (JSON): one owner. */
  owner(ownerId: string): string;
  /** Sorted sets id -> creation time (ms): an owner's records, in creation order. */
  ownerWatchlists(ownerId: string): string;
  ownerStrategies(ownerId: string): string;
  ownerDestinations(ownerId: string): string;
  /** Strings (JSON): one record each. */
  watchlist(watchlistId: string): string;
  strategy(strategyId: string): string;
  destination(destinationId: string): string;
  /** Sets of strategy ids: the strategies using a watchlist, or a destination. */
  watchlistStrategies(watchlistId: string): string;
  destinationStrategies(destinationId: string): string;
  /** Set of strategy ids: the enabled strategies watching `symbol` on `interval`. */
  watching(interval: CandleInterval, symbol: string): string;
  /** Hash `<interval> <symbol>` -> number of enabled strategies watching it. */
  readonly watched: string;
  /** Stream of signals (30 days, MINID-trimmed); entry fields o (owner), s (strategy), y (symbol), j (JSON). */
  readonly signals: string;
  /** String with a TTL: the signal with this id was stored (dedupe). */
  signalSeen(signalId: string): string;
  /** String with a TTL: open time of the candle of a strategy's last signal on a symbol (its cooldown). */
  cooldown(strategyId: string, symbol: string): string;
}

export function scannerKeys(namespace: string): ScannerKeys {
  const prefix = keyPrefix(namespace);
  return {
    namespace,
    election: clusterKeys(namespace),
    catalogVersion: `${prefix}catalog-version`,
    owner: (id) => `${prefix}owner:${id}`,
    ownerWatchlists: (id) => `${prefix}owner:${id}:watchlists`,
    ownerStrategies: (id) => `${prefix}owner:${id}:strategies`,
    ownerDestinations: (id) => `${prefix}owner:${id}:destinations`,
    watchlist: (id) => `${prefix}watchlist:${id}`,
    strategy: (id) => `${prefix}strategy:${id}`,
    destination: (id) => `${prefix}destination:${id}`,
    watchlistStrategies: (id) => `${prefix}watchlist:${id}:strategies`,
    destinationStrategies: (id) => `${prefix}destination:${id}:strategies`,
    watching: (interval, symbol) => `${prefix}watching:${interval}:${symbol}`,
    watched: `${prefix}watched`,
    signals: `${prefix}signals`,
    signalSeen: (id) => `${prefix}signal:${id}`,
    cooldown: (strategyId, symbol) => `${prefix}cooldown:${strategyId}:${symbol}`,
  };
}

/** The field of `watched` for one (interval, symbol). */
export function watchedField(interval: CandleInterval, symbol: string): string {
  return `${interval} ${symbol}`;
}
