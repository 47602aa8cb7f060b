/**
 * The Redis side of delivery: one stream per destination read through one consumer group, so
 * a destination's wait (its rate limit, its retries) never holds another's entries, and a
 * consumer that dies leaves its entries pending for another to claim (`XAUTOCLAIM`). Entries
 * are acknowledged and deleted only when they end (delivered or dead-lettered), so a queue's
 * length is its outstanding work. The Lua scripts in ./lua are registered and called here only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareStreamIds, parseStreamId, type RedisClient } from '@tickwire/cluster';
import type { Signal } from '../signals/signal';
import { DELIVERY_GROUP, type DeliveryKeys } from './delivery-keys';
import type { DeadLetter, DeliveryReason, DisabledDestination } from './delivery-reasons';

/** `<name>-<number of keys>.lua`; a script without the number takes a variable number of keys. */
const SCRIPT_FILES = {
  deliveryEnqueue: 'enqueue-signal-4.lua',
  deliverySettle: 'settle-entries.lua',
  deliveryDrop: 'drop-destination-5.lua',
  deliveryReschedule: 'reschedule-destination-2.lua',
  deliveryCountFailures: 'count-failures-2.lua',
} as const;

type ScriptName = keyof typeof SCRIPT_FILES;
type ScriptFunction = (...args: (string | number)[]) => Promise<unknown>;

/** What the enqueue script's reply means. */
const ENQUEUE_DUPLICATE = 0;
const ENQUEUE_DISABLED = -1;
const ENQUEUE_FULL = -2;

export interface DeliveryQueueOptions {
  /** How long a signal's state at a destination is remembered, so it is never sent twice (ms). */
  markTtlMs: number;
  /** Most signals one destination may have queued; more are refused (`full`). */
  maxQueueLength: number;
  /** Dead letters kept per destination (approximately; older ones are trimmed). */
  deadLettersKept: number;
}

export const DEFAULT_DELIVERY_QUEUE_OPTIONS: Readonly<DeliveryQueueOptions> = Object.freeze({
  markTtlMs: 30 * 24 * 60 * 60 * 1_000,
  maxQueueLength: 10_000,
  deadLettersKept: 1_000,
});

export type EnqueueOutcome = 'queued' | 'duplicate' | 'disabled' | 'full';

/** A destination's delivery as its owner is shown it. */
export interface DestinationDeliveryState {
  /** Why it was disabled for good; undefined while it is served. */
  disabled: DisabledDestination | undefined;
  /** Signals queued and not ended yet. */
  queued: number;
  /** Dead letters kept (the oldest are trimmed past `deadLettersKept`). */
  deadLetters: number;
}

/** One queued signal, as read by a consumer. */
export interface QueuedEntry {
  entryId: string;
  signalId: string;
  /** The signal JSON as queued. */
  signalJson: string;
}

type StreamEntry = [id: string, fields: string[] | null];

export class DeliveryQueue {
  private readonly options: DeliveryQueueOptions;

  constructor(
    private readonly redis: RedisClient,
    readonly keys: DeliveryKeys,
    options: Partial<DeliveryQueueOptions> = {},
  ) {
    this.options = { ...DEFAULT_DELIVERY_QUEUE_OPTIONS, ...options };
    for (const name of Object.keys(SCRIPT_FILES) as ScriptName[]) {
      if (!(name in redis)) redis.defineCommand(name, scriptSource(name));
    }
  }

  /** Queues `signal` for `destinationId` unless it was queued or delivered there before. */
  async enqueue(destinationId: string, signal: Signal, now = Date.now()): Promise<EnqueueOutcome> {
    const reply = await this.call('deliveryEnqueue')(
      this.keys.queue(destinationId),
      this.keys.mark(destinationId, signal.id),
      this.keys.disabled,
      this.keys.due,
      destinationId,
      signal.id,
      JSON.stringify(signal),
      this.options.markTtlMs,
      now,
      DELIVERY_GROUP,
      this.options.maxQueueLength,
    );
    if (reply === ENQUEUE_DUPLICATE) return 'duplicate';
    if (reply === ENQUEUE_DISABLED) return 'disabled';
    if (reply === ENQUEUE_FULL) return 'full';
    return 'queued';
  }

  /** Destinations with work whose time has come, soonest first. */
  async dueDestinations(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.due, '-inf', now, 'LIMIT', 0, limit);
  }

  /**
   * Up to `count` entries for `consumer`, oldest first: its own pending ones (read and not
   * ended before a restart), then entries another consumer left idle for `claimIdleMs` (it
   * died or lost Redis mid-delivery), then new ones.
   */
  async take(
    destinationId: string,
    consumer: string,
    count: number,
    claimIdleMs: number,
  ): Promise<QueuedEntry[]> {
    const queue = this.keys.queue(destinationId);
    const taken: QueuedEntry[] = [];
    const gone: string[] = [];
    const add = (entries: readonly StreamEntry[]) => {
      for (const [entryId, fields] of entries) {
        if (fields === null) gone.push(entryId);
        else taken.push(toEntry(entryId, fields));
      }
    };
    try {
      add(await this.readGroup(queue, consumer, count, '0'));
      if (taken.length < count) {
        const [, claimed] = (await this.redis.xautoclaim(
          queue,
          DELIVERY_GROUP,
          consumer,
          claimIdleMs,
          '0-0',
          'COUNT',
          count - taken.length,
        )) as [string, StreamEntry[], string[]?];
        add(claimed);
      }
      if (taken.length < count) add(await this.readGroup(queue, consumer, count - taken.length, '>'));
    } catch (error) {
      // The queue was dropped (its group with it) between scheduling and reading: nothing to take.
      if (error instanceof Error && error.message.startsWith('NOGROUP')) return [];
      throw error;
    }
    // Pending ids whose entry was ended meanwhile by another consumer.
    if (gone.length > 0) await this.redis.xack(queue, DELIVERY_GROUP, ...gone);
    return taken.sort((a, b) => compareStreamIds(parseStreamId(a.entryId)!, parseStreamId(b.entryId)!));
  }

  /** Which of `signalIds` are marked delivered at this destination already. */
  async deliveredAlready(destinationId: string, signalIds: readonly string[]): Promise<boolean[]> {
    if (signalIds.length === 0) return [];
    const states = await this.redis.mget(...signalIds.map((id) => this.keys.mark(destinationId, id)));
    return states.map((state) => state === 'delivered');
  }

  /** Ends entries Discord accepted; returns how many were still queued. */
  async settleDelivered(
    destinationId: string,
    entries: readonly QueuedEntry[],
    now = Date.now(),
  ): Promise<number> {
    return this.settle(destinationId, entries, 'delivered', '', '', now);
  }

  /** Ends entries as dead letters with the reason; returns how many were still queued. */
  async deadLetter(
    destinationId: string,
    entries: readonly QueuedEntry[],
    code: DeliveryReason,
    reason: string,
    now = Date.now(),
  ): Promise<number> {
    return this.settle(destinationId, entries, 'dead', code, reason, now);
  }

  /**
   * Counts one more failed attempt for each entry still queued; returns the highest count among
   * them, 0 when every one ended meanwhile.
   */
  async recordFailure(destinationId: string, entries: readonly QueuedEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const reply = await this.call('deliveryCountFailures')(
      this.keys.queue(destinationId),
      this.keys.attempts(destinationId),
      ...entries.map((entry) => entry.entryId),
    );
    return Number(reply);
  }

  /** Serves the destination again at `at`, or forgets it when its queue is empty; true when scheduled. */
  async reschedule(destinationId: string, at: number): Promise<boolean> {
    const reply = await this.call('deliveryReschedule')(
      this.keys.queue(destinationId),
      this.keys.due,
      destinationId,
      Math.ceil(at),
    );
    return reply === 1;
  }

  /**
   * Dead-letters everything queued for the destination and stops serving it; with `disable`,
   * nothing is queued for it again either. Returns the number of entries dead-lettered.
   */
  async drop(
    destinationId: string,
    code: DeliveryReason,
    reason: string,
    disable: boolean,
    now = Date.now(),
  ): Promise<number> {
    const reply = await this.call('deliveryDrop')(
      this.keys.queue(destinationId),
      this.keys.attempts(destinationId),
      this.keys.deadLetters(destinationId),
      this.keys.disabled,
      this.keys.due,
      destinationId,
      code,
      reason,
      now,
      this.options.deadLettersKept,
      disable ? '1' : '0',
    );
    return Number(reply);
  }

  /**
   * Forgets everything kept for a destination that no longer exists: its queue (signals still
   * queued are discarded, not dead-lettered: nobody is left to read them), attempts, dead letters,
   * disabled entry and schedule. Returns the number of queued signals discarded.
   */
  async forget(destinationId: string): Promise<number> {
    const footprint = this.keys.footprint(destinationId);
    const transaction = this.redis
      .multi()
      .xlen(this.keys.queue(destinationId))
      .del(...footprint.keys);
    for (const [key, field] of footprint.hashFields) transaction.hdel(key, field);
    for (const [key, member] of footprint.sortedSetMembers) transaction.zrem(key, member);
    const replies = await transaction.exec();
    const [error, queued] = replies?.[0] ?? [new Error('the transaction was discarded'), 0];
    if (error) throw error;
    return Number(queued);
  }

  /** Serves a disabled destination again (its webhook URL changed); true when it was disabled. */
  async enable(destinationId: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.disabled, destinationId)) === 1;
  }

  /** Why the destination was disabled, or undefined while it is served. */
  async disabled(destinationId: string): Promise<DisabledDestination | undefined> {
    const json = await this.redis.hget(this.keys.disabled, destinationId);
    return json === null ? undefined : parseDisabled(json);
  }

  /**
   * The delivery state of each destination, in order, read in one round trip however many there
   * are (the API shows it with every destination it lists).
   */
  async states(destinationIds: readonly string[]): Promise<DestinationDeliveryState[]> {
    if (destinationIds.length === 0) return [];
    const pipeline = this.redis.pipeline().hmget(this.keys.disabled, ...destinationIds);
    for (const id of destinationIds) pipeline.xlen(this.keys.queue(id)).xlen(this.keys.deadLetters(id));
    const replies = (await pipeline.exec()) ?? [];
    const values = replies.map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    const disabled = values[0] as (string | null)[];
    return destinationIds.map((_, i) => {
      const json = disabled[i] ?? null;
      return {
        disabled: json === null ? undefined : parseDisabled(json),
        queued: Number(values[1 + 2 * i]),
        deadLetters: Number(values[2 + 2 * i]),
      };
    });
  }

  /**
   * The destination's latest dead letters, newest first; with `before` (a dead letter's entry
   * id), those older than it.
   */
  async deadLetters(destinationId: string, count = 100, before?: string): Promise<DeadLetter[]> {
    const entries = (await this.redis.xrevrange(
      this.keys.deadLetters(destinationId),
      before === undefined ? '+' : `(${before}`,
      '-',
      'COUNT',
      count,
    )) as [string, string[]][];
    return entries.map(([entryId, list]) => {
      const fields = fieldMap(list);
      return {
        entryId,
        signalId: fields.get('signalId') ?? '',
        signal: fields.get('signal') ?? '',
        code: (fields.get('code') ?? '') as DeliveryReason,
        reason: fields.get('reason') ?? '',
        at: Number(fields.get('at')),
      };
    });
  }

  /** Signals queued for the destination and not ended yet (pending ones included). */
  async length(destinationId: string): Promise<number> {
    return this.redis.xlen(this.keys.queue(destinationId));
  }

  /** Signals queued over every destination with work. */
  async depth(): Promise<number> {
    const destinations = await this.redis.zrange(this.keys.due, '0', '-1');
    if (destinations.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const id of destinations) pipeline.xlen(this.keys.queue(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.reduce((sum, [error, length]) => sum + (error === null ? Number(length) : 0), 0);
  }

  private async settle(
    destinationId: string,
    entries: readonly QueuedEntry[],
    outcome: 'delivered' | 'dead',
    code: string,
    reason: string,
    now: number,
  ): Promise<number> {
    if (entries.length === 0) return 0;
    const reply = await this.call('deliverySettle')(
      3 + entries.length,
      this.keys.queue(destinationId),
      this.keys.attempts(destinationId),
      this.keys.deadLetters(destinationId),
      ...entries.map((entry) => this.keys.mark(destinationId, entry.signalId)),
      DELIVERY_GROUP,
      outcome,
      this.options.markTtlMs,
      code,
      reason,
      now,
      this.options.deadLettersKept,
      ...entries.map((entry) => entry.entryId),
    );
    return Number(reply);
  }

  private async readGroup(
    queue: string,
    consumer: string,
    count: number,
    from: '0' | '>',
  ): Promise<StreamEntry[]> {
    const reply = await this.redis.xreadgroup(
      'GROUP',
      DELIVERY_GROUP,
      consumer,
      'COUNT',
      count,
      'STREAMS',
      queue,
      from,
    );
    return reply?.[0]?.[1] ?? [];
  }

  private call(name: ScriptName): ScriptFunction {
    const fn = (this.redis as unknown as Record<ScriptName, ScriptFunction>)[name];
    return fn.bind(this.redis);
  }
}

const sources = new Map<ScriptName, { lua: string; numberOfKeys?: number }>();

function scriptSource(name: ScriptName): { lua: string; numberOfKeys?: number } {
  let entry = sources.get(name);
  if (entry === undefined) {
    const file = SCRIPT_FILES[name];
    const keys = /-(\d+)\.lua$/u.exec(file)?.[1];
    const lua = readFileSync(join(__dirname, 'lua', file), 'utf8');
    entry = keys === undefined ? { lua } : { lua, numberOfKeys: Number(keys) };
    sources.set(name, entry);
  }
  return entry;
}

function parseDisabled(json: string): DisabledDestination {
  return JSON.parse(json) as DisabledDestination;
}

function fieldMap(list: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < list.length; i += 2) fields.set(list[i]!, list[i + 1]!);
  return fields;
}

function toEntry(entryId: string, list: readonly string[]): QueuedEntry {
  const fields = fieldMap(list);
  return { entryId, signalId: fields.get('id') ?? '', signalJson: fields.get('signal') ?? '' };
}
