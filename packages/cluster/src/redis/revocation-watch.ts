/**
 * Follows the revocation of API keys, for a process that holds streams opened with their tokens:
 * each revocation is PUBLISHed on one channel as it happens, and a listener hears the key id at
 * once. A message published while the subscriber was disconnected is lost, so after every
 * reconnect the listener is also told which of the keys it holds streams for were revoked
 * meanwhile (one ZMSCORE).
 */
import type { Lifecycle } from '@tickwire/core';
import type { ClusterLogger } from '../logger';
import type { StreamAccessKeys } from './keys';
import type { RedisClient } from './redis-client';
import type { StreamLeaseScripts } from './stream-lease-scripts';

/** A key id as the gateway makes them (12 hex digits); anything else on the channel is ignored. */
const KEY_ID = /^[0-9a-f]{12}$/;

export interface RevocationWatchOptions {
  /** A connection in subscriber mode, used for nothing else. */
  subscriber: RedisClient;
  scripts: StreamLeaseScripts;
  keys: StreamAccessKeys;
  /** The key ids this process holds streams for now (checked again after a reconnect). */
  heldKeys(): Iterable<string>;
  /** Called with revoked key ids. */
  onRevoked(keyIds: readonly string[]): void;
  logger: ClusterLogger;
}

export class RevocationWatch implements Lifecycle {
  private running = false;
  private subscribedOnce = false;
  private readonly onMessage = (channel: string, message: string) => {
    if (!this.running || channel !== this.options.keys.revocationEvents) return;
    if (!KEY_ID.test(message)) {
      this.options.logger.warn({ channel, length: message.length }, 'ignored a malformed revocation event');
      return;
    }
    this.notify([message]);
  };
  private readonly onReady = () => {
    // The first 'ready' is the start's own; every later one follows an outage.
    if (!this.running || !this.subscribedOnce) return;
    this.catchUp().catch((error: unknown) =>
      this.options.logger.warn(
        { err: (error as Error).message },
        'cannot check revocations after a reconnect',
      ),
    );
  };

  constructor(private readonly options: RevocationWatchOptions) {}

  /** Subscribes; rejects (and undoes itself) when the subscription fails. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { subscriber, keys } = this.options;
    subscriber.on('message', this.onMessage);
    subscriber.on('ready', this.onReady);
    try {
      await subscriber.subscribe(keys.revocationEvents);
      this.subscribedOnce = true;
    } catch (error) {
      await this.stop();
      throw new Error(`cannot subscribe to ${keys.revocationEvents}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.options.subscriber.off('message', this.onMessage);
    this.options.subscriber.off('ready', this.onReady);
    await this.options.subscriber.unsubscribe(this.options.keys.revocationEvents).catch(() => undefined);
  }

  /** Tells the listener which held keys were revoked (after an outage, when messages may have been lost). */
  async catchUp(): Promise<void> {
    const revoked = await this.options.scripts.revokedAmong([...this.options.heldKeys()]);
    if (revoked.length > 0) this.notify(revoked);
  }

  private notify(keyIds: readonly string[]): void {
    try {
      this.options.onRevoked(keyIds);
    } catch (error) {
      this.options.logger.error({ err: (error as Error).message }, 'revocation listener failed');
    }
  }
}
