/**
 * Who may stream from this pod, when the gateway hands out stream tokens (STREAM_TOKEN_SECRET):
 * each stream opens only with a valid token, takes one of its subject's slots (a lease in Redis,
 * shared by every pod; the same round trip refuses a revoked key), and is held under its key id,
 * so that when the key is revoked (the gateway publishes it) the pod ends every stream opened with
 * the key's tokens. Without Redis at the moment a stream opens, it is let through on its signed,
 * short-lived token alone (no slot taken): the pod keeps serving through a Redis outage, as it does
 * its prices.
 */
import type { IncomingMessage } from 'node:http';
import {
  closeRedisClients,
  RevocationWatch,
  streamAccessKeys,
  StreamLeaseScripts,
  StreamQuota,
  type RedisClient,
  type StreamLease,
} from '@tickwire/cluster';
import type { Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import { STREAM_REFUSALS, type StreamTokenClaims } from '@tickwire/service';
import { httpErrors } from '../http/errors';
import type { PodMetrics } from '../metrics';
import { streamClaims } from './stream-credentials';

/** An open stream as stream access sees it: something it can end. */
export interface HeldStream {
  /** Ends the stream with its final event (the key was revoked). */
  end(): void;
}

export interface StreamAccessOptions {
  secret: string;
  /** Connections of its own (openStreamAccessClients): commands and a subscriber; closed on stop. */
  commands: RedisClient;
  subscriber: RedisClient;
  /** GATEWAY_NAMESPACE. */
  namespace: string;
  logger: Logger;
  metrics: Pick<PodMetrics, 'sseRejected' | 'sseRevoked' | 'streamAccessErrors'>;
  leaseMs?: number;
}

export class StreamAccess implements Lifecycle {
  private readonly quota: StreamQuota;
  private readonly watch: RevocationWatch;
  /** Open streams by the key id (token subject) they were opened with. */
  private readonly held = new Map<string, Set<HeldStream>>();
  /** Lease releases under way: stop() lets them reach Redis before it closes the connections. */
  private readonly releasing = new Set<Promise<void>>();

  constructor(private readonly options: StreamAccessOptions) {
    const { commands, subscriber, namespace, logger } = options;
    const keys = streamAccessKeys(namespace);
    const scripts = new StreamLeaseScripts(commands, keys);
    this.quota = new StreamQuota({
      scripts,
      logger,
      ...(options.leaseMs !== undefined && { leaseMs: options.leaseMs }),
    });
    this.watch = new RevocationWatch({
      subscriber,
      scripts,
      keys,
      heldKeys: () => this.held.keys(),
      onRevoked: (keyIds) => this.endStreamsOf(keyIds),
      logger,
    });
  }

  async start(): Promise<void> {
    await this.watch.start();
  }

  /** Stops following revocations and closes its connections; streams end with the hub. */
  async stop(): Promise<void> {
    await this.watch.stop();
    await Promise.allSettled([...this.releasing]);
    await closeRedisClients([this.options.subscriber, this.options.commands]);
  }

  /** The request's token claims; throws the 401 that refuses it. */
  claims(req: IncomingMessage, query: Record<string, unknown>): StreamTokenClaims {
    try {
      return streamClaims(req, query, this.options.secret, Date.now());
    } catch (error) {
      this.options.metrics.sseRejected.inc({ reason: STREAM_REFUSALS.unauthorized });
      throw error;
    }
  }

  /**
   * Takes a slot of the token's subject; throws 401 TOKEN_REVOKED or 429 STREAM_QUOTA_EXCEEDED.
   * Undefined (no slot) when Redis cannot be asked.
   */
  async admit(claims: StreamTokenClaims): Promise<StreamLease | undefined> {
    const { metrics, logger } = this.options;
    let admission;
    try {
      admission = await this.quota.acquire(claims.sub, claims.maxStreams, {
        unlessRevoked: claims.sub,
        onLost: () => logger.warn({ subject: claims.sub }, 'a stream lease expired before its renewal'),
      });
    } catch (error) {
      metrics.streamAccessErrors.inc();
      logger.warn(
        { err: (error as Error).message, subject: claims.sub },
        'cannot check the quota and revocation of a stream token; letting it through on its signature',
      );
      return undefined;
    }
    if ('lease' in admission) return admission.lease;
    if (admission.refused === 'revoked') {
      metrics.sseRejected.inc({ reason: STREAM_REFUSALS.unauthorized });
      throw httpErrors.tokenRevoked();
    }
    metrics.sseRejected.inc({ reason: STREAM_REFUSALS.quota });
    throw httpErrors.streamQuotaExceeded(claims.maxStreams);
  }

  /** Holds an open stream under its key until `release()` (its close), which also frees its slot. */
  hold(claims: StreamTokenClaims, stream: HeldStream, lease: StreamLease | undefined): () => void {
    let streams = this.held.get(claims.sub);
    if (!streams) this.held.set(claims.sub, (streams = new Set()));
    streams.add(stream);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const set = this.held.get(claims.sub);
      set?.delete(stream);
      if (set?.size === 0) this.held.delete(claims.sub);
      if (!lease) return;
      const releasing: Promise<void> = lease
        .release()
        .catch((error: unknown) =>
          this.options.logger.warn(
            { err: (error as Error).message, subject: claims.sub },
            'cannot release a stream lease; it expires by itself',
          ),
        )
        .finally(() => this.releasing.delete(releasing));
      this.releasing.add(releasing);
    };
  }

  /** Streams held now (all keys). */
  heldStreams(): number {
    let count = 0;
    for (const streams of this.held.values()) count += streams.size;
    return count;
  }

  private endStreamsOf(keyIds: readonly string[]): void {
    let ended = 0;
    for (const keyId of keyIds) {
      for (const stream of [...(this.held.get(keyId) ?? [])]) {
        stream.end();
        ended += 1;
      }
    }
    if (ended === 0) return;
    this.options.metrics.sseRevoked.inc(ended);
    this.options.logger.info({ keys: keyIds, streams: ended }, 'ended the streams of revoked keys');
  }
}
