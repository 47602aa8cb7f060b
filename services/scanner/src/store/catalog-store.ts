/**
 * Owners, watchlists, strategies and destinations in Redis, with the indexes the API and the
 * evaluator read: each owner's records in creation order, the strategies of a watchlist and of a
 * destination, and the enabled strategies watching each (interval, symbol).
 *
 * Every write reads what it needs, then applies the record and all its index changes in one
 * script that first checks the catalog version it read (write-catalog-1.lua): indexes never
 * disagree with records, and of two concurrent writers one retries on fresh data. Writes are
 * rare (people editing), so one version for the whole catalog costs nothing and is simple to
 * reason about; the evaluator also uses it to know when its cache is out of date.
 *
 * A destination's delivery state (delivery-keys.ts, same hash tag) changes in the same writes:
 * a new webhook URL clears the old webhook's verdicts, and a deleted destination takes its
 * queue, dead letters and disabled mark with it.
 */
import { randomUUID } from 'node:crypto';
import type { CandleInterval } from '@tickwire/core';
import type { RedisClient } from '@tickwire/cluster';
import { watchedField, type ScannerKeys } from './keys';
import {
  MAX_DESTINATIONS_PER_OWNER,
  MAX_STRATEGIES_PER_OWNER,
  MAX_WATCHLISTS_PER_OWNER,
  type Destination,
  type DestinationInput,
  type DestinationPatch,
  type Owner,
  type Strategy,
  type StrategyInput,
  type StrategyPatch,
  type Watchlist,
  type WatchlistInput,
  type WatchlistPatch,
} from './records';
import type { CatalogOperation, ScannerScripts } from './scanner-scripts';
import { StoreError } from './store-errors';
import type { DeliveryKeys } from '../delivery/delivery-keys';
import { checkWebhookUrl, DISCORD_WEBHOOK_HOSTS } from '../webhook-url';

/** A write that keeps meeting other replicas' writes gives up after this many attempts ... */
const MAX_WRITE_ATTEMPTS = 10;
/** ... waiting up to this long, at random, before the next (ms): replicas drift apart instead of colliding again. */
const MAX_RETRY_DELAY_MS = 20;

export interface Page {
  offset: number;
  limit: number;
}

export interface PageOf<T> {
  items: T[];
  /** Records the owner has in all. */
  total: number;
}

export interface CatalogStoreOptions {
  client: RedisClient;
  keys: ScannerKeys;
  scripts: ScannerScripts;
  /** Delivery's keys under the same namespace: a destination's delivery state is written with it. */
  delivery: DeliveryKeys;
  /** WEBHOOK_HOST_ALLOWLIST. */
  webhookHosts: readonly string[];
  now?: () => number;
  newId?: () => string;
}

type RecordKind = 'watchlist' | 'strategy' | 'destination';

interface Plan<T> {
  operations: CatalogOperation[];
  result: T;
}

export class CatalogStore {
  private readonly client: RedisClient;
  private readonly keys: ScannerKeys;
  private readonly now: () => number;
  private readonly newId: () => string;
  /** This process's writes, one at a time: they never conflict with each other, only with other replicas'. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CatalogStoreOptions) {
    this.client = options.client;
    this.keys = options.keys;
    // One namespace, one hash tag: a write's record and delivery keys must share a Cluster slot.
    if (options.delivery.namespace !== options.keys.namespace)
      throw new TypeError(
        `delivery keys are under ${options.delivery.namespace}, the catalog under ${options.keys.namespace}`,
      );
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
  }

  /** The catalog's version: it moves with every write, so a cache of it is fresh while it stays. */
  async version(): Promise<number> {
    return Number((await this.client.get(this.keys.catalogVersion)) ?? 0);
  }

  // Owners

  async createOwner(name: string): Promise<Owner> {
    const owner: Owner = { id: this.newId(), name, createdAt: this.isoNow() };
    return this.write('create owner', async () => ({
      operations: [['SET', this.keys.owner(owner.id), JSON.stringify(owner)]],
      result: owner,
    }));
  }

  async owner(ownerId: string): Promise<Owner | undefined> {
    return parse<Owner>(await this.client.get(this.keys.owner(ownerId)));
  }

  // Watchlists

  async createWatchlist(ownerId: string, input: WatchlistInput): Promise<Watchlist> {
    return this.write('create watchlist', async () => {
      await this.checkRoom(this.keys.ownerWatchlists(ownerId), MAX_WATCHLISTS_PER_OWNER, 'watchlists');
      const now = this.isoNow();
      const watchlist: Watchlist = { id: this.newId(), ownerId, ...input, createdAt: now, updatedAt: now };
      return {
        operations: [
          ['SET', this.keys.watchlist(watchlist.id), JSON.stringify(watchlist)],
          ['ZADD', this.keys.ownerWatchlists(ownerId), Date.parse(now), watchlist.id],
        ],
        result: watchlist,
      };
    });
  }

  async watchlist(ownerId: string, id: string): Promise<Watchlist> {
    return this.ownRecord<Watchlist>('watchlist', ownerId, id);
  }

  async listWatchlists(ownerId: string, page: Page): Promise<PageOf<Watchlist>> {
    return this.list<Watchlist>('watchlist', this.keys.ownerWatchlists(ownerId), page);
  }

  /** Changing the symbols moves every enabled strategy of the watchlist to the new ones. */
  async updateWatchlist(ownerId: string, id: string, patch: WatchlistPatch): Promise<Watchlist> {
    return this.write('update watchlist', async () => {
      const before = await this.watchlist(ownerId, id);
      const after: Watchlist = { ...before, ...patch, updatedAt: this.isoNow() };
      const operations: CatalogOperation[] = [['SET', this.keys.watchlist(id), JSON.stringify(after)]];
      for (const strategy of await this.strategiesOfWatchlist(id)) {
        operations.push(
          ...this.watchChanges(strategy.id, watchPairs(strategy, before), watchPairs(strategy, after)),
        );
      }
      return { operations, result: after };
    });
  }

  /** Refused while a strategy uses the watchlist: delete or move those first. */
  async deleteWatchlist(ownerId: string, id: string): Promise<void> {
    await this.write('delete watchlist', async () => {
      await this.watchlist(ownerId, id);
      await this.checkUnused(this.keys.watchlistStrategies(id), 'watchlist');
      return {
        operations: [
          ['DEL', this.keys.watchlist(id)],
          ['ZREM', this.keys.ownerWatchlists(ownerId), id],
        ],
        result: undefined,
      };
    });
  }

  // Strategies

  async createStrategy(ownerId: string, input: StrategyInput): Promise<Strategy> {
    return this.write('create strategy', async () => {
      await this.checkRoom(this.keys.ownerStrategies(ownerId), MAX_STRATEGIES_PER_OWNER, 'strategies');
      const watchlist = await this.referenced<Watchlist>(
        'watchlist',
        ownerId,
        input.watchlistId,
        'watchlistId',
      );
      const destinationIds = await this.referencedDestinations(ownerId, input.destinationIds);
      const now = this.isoNow();
      const strategy: Strategy = {
        id: this.newId(),
        ownerId,
        watchlistId: watchlist.id,
        document: input.document,
        enabled: input.enabled,
        destinationIds,
        createdAt: now,
        updatedAt: now,
      };
      return {
        operations: [
          ['SET', this.keys.strategy(strategy.id), JSON.stringify(strategy)],
          ['ZADD', this.keys.ownerStrategies(ownerId), Date.parse(now), strategy.id],
          ...this.referenceChanges(strategy.id, undefined, strategy),
          ...this.watchChanges(strategy.id, [], watchPairs(strategy, watchlist)),
        ],
        result: strategy,
      };
    });
  }

  async strategy(ownerId: string, id: string): Promise<Strategy> {
    return this.ownRecord<Strategy>('strategy', ownerId, id);
  }

  async listStrategies(ownerId: string, page: Page): Promise<PageOf<Strategy>> {
    return this.list<Strategy>('strategy', this.keys.ownerStrategies(ownerId), page);
  }

  async updateStrategy(ownerId: string, id: string, patch: StrategyPatch): Promise<Strategy> {
    return this.write('update strategy', async () => {
      const before = await this.strategy(ownerId, id);
      const watchlistBefore = await this.watchlist(ownerId, before.watchlistId);
      const watchlistAfter =
        patch.watchlistId === undefined || patch.watchlistId === before.watchlistId
          ? watchlistBefore
          : await this.referenced<Watchlist>('watchlist', ownerId, patch.watchlistId, 'watchlistId');
      const destinationIds =
        patch.destinationIds === undefined
          ? before.destinationIds
          : await this.referencedDestinations(ownerId, patch.destinationIds);
      const after: Strategy = {
        ...before,
        watchlistId: watchlistAfter.id,
        document: patch.document ?? before.document,
        enabled: patch.enabled ?? before.enabled,
        destinationIds,
        updatedAt: this.isoNow(),
      };
      return {
        operations: [
          ['SET', this.keys.strategy(id), JSON.stringify(after)],
          ...this.referenceChanges(id, before, after),
          ...this.watchChanges(id, watchPairs(before, watchlistBefore), watchPairs(after, watchlistAfter)),
        ],
        result: after,
      };
    });
  }

  async deleteStrategy(ownerId: string, id: string): Promise<void> {
    await this.write('delete strategy', async () => {
      const strategy = await this.strategy(ownerId, id);
      const watchlist = await this.watchlist(ownerId, strategy.watchlistId);
      return {
        operations: [
          ['DEL', this.keys.strategy(id)],
          ['ZREM', this.keys.ownerStrategies(ownerId), id],
          ...this.referenceChanges(id, strategy, undefined),
          ...this.watchChanges(id, watchPairs(strategy, watchlist), []),
        ],
        result: undefined,
      };
    });
  }

  // Destinations

  async createDestination(ownerId: string, input: DestinationInput): Promise<Destination> {
    this.checkWebhookUrl(input.url);
    return this.write('create destination', async () => {
      await this.checkRoom(this.keys.ownerDestinations(ownerId), MAX_DESTINATIONS_PER_OWNER, 'destinations');
      const now = this.isoNow();
      const destination: Destination = {
        id: this.newId(),
        ownerId,
        ...input,
        createdAt: now,
        updatedAt: now,
      };
      return {
        operations: [
          ['SET', this.keys.destination(destination.id), JSON.stringify(destination)],
          ['ZADD', this.keys.ownerDestinations(ownerId), Date.parse(now), destination.id],
        ],
        result: destination,
      };
    });
  }

  async destination(ownerId: string, id: string): Promise<Destination> {
    return this.ownRecord<Destination>('destination', ownerId, id);
  }

  async listDestinations(ownerId: string, page: Page): Promise<PageOf<Destination>> {
    return this.list<Destination>('destination', this.keys.ownerDestinations(ownerId), page);
  }

  /**
   * A new URL is a new webhook: what delivery concluded about the old one (disabled for good,
   * failed attempts) is cleared in the same write, so signals queued from now on are sent to it.
   */
  async updateDestination(ownerId: string, id: string, patch: DestinationPatch): Promise<Destination> {
    if (patch.url !== undefined) this.checkWebhookUrl(patch.url);
    return this.write('update destination', async () => {
      const before = await this.destination(ownerId, id);
      const after: Destination = { ...before, ...patch, updatedAt: this.isoNow() };
      const operations: CatalogOperation[] = [['SET', this.keys.destination(id), JSON.stringify(after)]];
      if (after.url !== before.url) {
        const { delivery } = this.options;
        operations.push(['HDEL', delivery.disabled, id], ['DEL', delivery.attempts(id)]);
      }
      return { operations, result: after };
    });
  }

  /**
   * Refused while a strategy sends to it: change those strategies' destinationIds first. Its
   * delivery state goes with it (signals still queued are not sent); only the per-signal marks
   * are left, to expire.
   */
  async deleteDestination(ownerId: string, id: string): Promise<void> {
    await this.write('delete destination', async () => {
      await this.destination(ownerId, id);
      await this.checkUnused(this.keys.destinationStrategies(id), 'destination');
      const footprint = this.options.delivery.footprint(id);
      return {
        operations: [
          ['DEL', this.keys.destination(id)],
          ['ZREM', this.keys.ownerDestinations(ownerId), id],
          ...footprint.keys.map((key): CatalogOperation => ['DEL', key]),
          ...footprint.hashFields.map(([key, field]): CatalogOperation => ['HDEL', key, field]),
          ...footprint.sortedSetMembers.map(([key, member]): CatalogOperation => ['ZREM', key, member]),
        ],
        result: undefined,
      };
    });
  }

  // What the evaluator reads

  /** The enabled strategies watching `symbol` on `interval`: one set read and one MGET. */
  async strategiesFor(symbol: string, interval: CandleInterval): Promise<Strategy[]> {
    const ids = await this.client.smembers(this.keys.watching(interval, symbol));
    return this.records<Strategy>('strategy', ids.sort());
  }

  /** Every (interval, symbol) some enabled strategy watches, with how many do. */
  async watched(): Promise<{ interval: CandleInterval; symbol: string; strategies: number }[]> {
    const fields = await this.client.hgetall(this.keys.watched);
    return Object.entries(fields)
      .map(([field, count]) => {
        const space = field.indexOf(' ');
        return {
          interval: field.slice(0, space) as CandleInterval,
          symbol: field.slice(space + 1),
          strategies: Number(count),
        };
      })
      .sort((a, b) => a.symbol.localeCompare(b.symbol) || a.interval.localeCompare(b.interval));
  }

  /** A destination with its URL, for delivery (the API never returns it whole). */
  async destinationsByIds(ids: readonly string[]): Promise<Destination[]> {
    return this.records<Destination>('destination', ids);
  }

  // Helpers

  private write<T>(operation: string, plan: () => Promise<Plan<T>>): Promise<T> {
    const next = this.writes.then(() => this.attemptWrite(operation, plan));
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async attemptWrite<T>(operation: string, plan: () => Promise<Plan<T>>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const version = await this.version();
      const { operations, result } = await plan();
      try {
        await this.options.scripts.writeCatalog(version, operations);
        return result;
      } catch (error) {
        const conflict = error instanceof StoreError && error.code === 'CONFLICT';
        if (!conflict) throw error;
        if (attempt >= MAX_WRITE_ATTEMPTS)
          throw new StoreError('CONFLICT', `${operation}: the catalog kept changing meanwhile; retry`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_RETRY_DELAY_MS));
      }
    }
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  private key(kind: RecordKind, id: string): string {
    return kind === 'watchlist'
      ? this.keys.watchlist(id)
      : kind === 'strategy'
        ? this.keys.strategy(id)
        : this.keys.destination(id);
  }

  /** The owner's record; another owner's is as missing as one that does not exist. */
  private async ownRecord<T extends { ownerId: string }>(
    kind: RecordKind,
    ownerId: string,
    id: string,
  ): Promise<T> {
    const record = parse<T>(await this.client.get(this.key(kind, id)));
    if (record === undefined || record.ownerId !== ownerId)
      throw new StoreError('NOT_FOUND', `no ${kind} ${id}`);
    return record;
  }

  /** A record a request refers to in `field`: a missing one is the request's fault (400), not a 404. */
  private async referenced<T extends { ownerId: string }>(
    kind: RecordKind,
    ownerId: string,
    id: string,
    field: string,
  ): Promise<T> {
    try {
      return await this.ownRecord<T>(kind, ownerId, id);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'NOT_FOUND')
        throw new StoreError('INVALID_REFERENCE', `no ${kind} ${id} of yours`, field);
      throw error;
    }
  }

  private async referencedDestinations(ownerId: string, ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    for (const [index, id] of unique.entries())
      await this.referenced<Destination>('destination', ownerId, id, `destinationIds.${index}`);
    return unique;
  }

  private async records<T>(kind: RecordKind, ids: readonly string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const values = await this.client.mget(...ids.map((id) => this.key(kind, id)));
    return values.map((value) => parse<T>(value)).filter((record): record is T => record !== undefined);
  }

  private async list<T>(kind: RecordKind, index: string, page: Page): Promise<PageOf<T>> {
    const [ids, total] = await Promise.all([
      this.client.zrange(index, String(page.offset), String(page.offset + page.limit - 1)),
      this.client.zcard(index),
    ]);
    return { items: await this.records<T>(kind, ids), total };
  }

  private async strategiesOfWatchlist(watchlistId: string): Promise<Strategy[]> {
    const ids = await this.client.smembers(this.keys.watchlistStrategies(watchlistId));
    return this.records<Strategy>('strategy', ids);
  }

  private async checkRoom(index: string, max: number, what: string): Promise<void> {
    if ((await this.client.zcard(index)) >= max)
      throw new StoreError('LIMIT_REACHED', `an owner has at most ${max} ${what}; delete one first`);
  }

  private async checkUnused(usedBy: string, kind: RecordKind): Promise<void> {
    const strategies = (await this.client.smembers(usedBy)).sort();
    if (strategies.length > 0)
      throw new StoreError(
        'IN_USE',
        `the ${kind} is used by strategies ${strategies.join(', ')}; change or delete them first`,
      );
  }

  private checkWebhookUrl(url: string): void {
    // Discord's hosts always; WEBHOOK_HOST_ALLOWLIST adds others (a proxy, a local test server).
    const check = checkWebhookUrl(url, [...DISCORD_WEBHOOK_HOSTS, ...this.options.webhookHosts]);
    if (!check.ok) throw new StoreError('INVALID_REFERENCE', check.problem, 'url');
  }

  /** The watchlist and destination indexes of a strategy, moved from `before` to `after`. */
  private referenceChanges(
    id: string,
    before: Strategy | undefined,
    after: Strategy | undefined,
  ): CatalogOperation[] {
    const operations: CatalogOperation[] = [];
    if (before?.watchlistId !== after?.watchlistId) {
      if (before) operations.push(['SREM', this.keys.watchlistStrategies(before.watchlistId), id]);
      if (after) operations.push(['SADD', this.keys.watchlistStrategies(after.watchlistId), id]);
    }
    const kept = new Set(after?.destinationIds ?? []);
    const had = new Set(before?.destinationIds ?? []);
    for (const destinationId of had)
      if (!kept.has(destinationId))
        operations.push(['SREM', this.keys.destinationStrategies(destinationId), id]);
    for (const destinationId of kept)
      if (!had.has(destinationId))
        operations.push(['SADD', this.keys.destinationStrategies(destinationId), id]);
    return operations;
  }

  /** The watch index of a strategy, moved from the pairs it watched to those it watches. */
  private watchChanges(
    id: string,
    before: readonly WatchPair[],
    after: readonly WatchPair[],
  ): CatalogOperation[] {
    const operations: CatalogOperation[] = [];
    const keyOf = ([interval, symbol]: WatchPair) => watchedField(interval, symbol);
    const had = new Set(before.map(keyOf));
    const has = new Set(after.map(keyOf));
    for (const pair of before) {
      if (has.has(keyOf(pair))) continue;
      operations.push(
        ['SREM', this.keys.watching(...pair), id],
        ['HINCRBY', this.keys.watched, keyOf(pair), -1],
      );
    }
    for (const pair of after) {
      if (had.has(keyOf(pair))) continue;
      operations.push(
        ['SADD', this.keys.watching(...pair), id],
        ['HINCRBY', this.keys.watched, keyOf(pair), 1],
      );
    }
    return operations;
  }
}

type WatchPair = [interval: CandleInterval, symbol: string];

/** What an enabled strategy watches: its interval on every symbol of its watchlist. */
function watchPairs(strategy: Strategy, watchlist: Watchlist): WatchPair[] {
  if (!strategy.enabled) return [];
  return watchlist.symbols.map((symbol) => [strategy.document.interval, symbol]);
}

function parse<T>(raw: string | null): T | undefined {
  return raw === null ? undefined : (JSON.parse(raw) as T);
}
