/**
 * The Redis engine's interest: a sorted set symbol -> expiry on Redis's clock, written by every
 * pod's touches, and a pub/sub channel on which a touch announces the symbols nobody wanted
 * before. The channel shares the subscriber connection with the election's leader events;
 * each listens for its own channel only, and ioredis subscribes both again after a reconnect.
 */
import type { InterestListener, SymbolInterest } from '../engine';
import { isInterestSymbol, validateInterestTouch } from '../interest-validation';
import type { ClusterLogger } from '../logger';
import type { ClusterKeys } from './keys';
import type { RedisClient } from './redis-client';
import type { ClusterScripts } from './scripts';

export interface RedisInterestOptions {
  scripts: ClusterScripts;
  /** The connection in subscriber mode that the election also uses. */
  subscriber: RedisClient;
  keys: ClusterKeys;
  logger: ClusterLogger;
}

/**
 * The symbols of one interest event, or undefined for anything else: the channel is open to
 * every client of the Redis, so a message that is not a JSON array of valid symbols is ignored.
 */
export function parseInterestEvent(message: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return undefined;
  const symbols = parsed as unknown[];
  return symbols.every(isInterestSymbol) ? symbols : undefined;
}

export class RedisInterest implements SymbolInterest {
  private readonly listeners = new Set<InterestListener>();
  private running = false;
  private readonly onMessage = (channel: string, message: string) => this.handleMessage(channel, message);

  constructor(private readonly options: RedisInterestOptions) {}

  /** Subscribes to interest events; rejects (and undoes itself) when the subscription fails. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { subscriber, keys } = this.options;
    subscriber.on('message', this.onMessage);
    try {
      await subscriber.subscribe(keys.interestEvents);
    } catch (error) {
      this.running = false;
      subscriber.off('message', this.onMessage);
      throw new Error(`cannot subscribe to ${keys.interestEvents}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Stops delivering events and forgets the listeners; the leases lapse by themselves. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.options.subscriber.off('message', this.onMessage);
    this.listeners.clear();
    // Only our channel: the election's leader events stay subscribed on the same connection.
    await this.options.subscriber.unsubscribe(this.options.keys.interestEvents).catch(() => undefined);
  }

  async touch(symbols: readonly string[], ttlMs: number): Promise<string[]> {
    validateInterestTouch(symbols, ttlMs);
    if (symbols.length === 0) return [];
    return this.options.scripts.touchInterest(ttlMs, symbols);
  }

  async wanted(): Promise<string[]> {
    return (await this.options.scripts.wantedInterest()).sort();
  }

  onAdded(listener: InterestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private handleMessage(channel: string, message: string): void {
    if (channel !== this.options.keys.interestEvents || !this.running) return;
    const symbols = parseInterestEvent(message);
    if (!symbols) {
      this.options.logger.warn({ channel, length: message.length }, 'ignored a malformed interest event');
      return;
    }
    // A throwing listener must neither skip the others nor reach ioredis's reply parser.
    for (const listener of this.listeners) {
      try {
        listener([...symbols]);
      } catch (error) {
        this.options.logger.error({ err: (error as Error).message }, 'interest listener failed');
      }
    }
  }
}
