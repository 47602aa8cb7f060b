/**
 * A share of an exchange's streams on one connection (Binance: at most 1024 streams each). The
 * shard keeps that connection alive past the exchange's cut: before the 24 h limit, or at once
 * on a `serverShutdown` notice, it opens a second connection with the same streams and closes
 * the first only once the second carries every stream and has been delivering for an overlap
 * (make-before-break), dropping the frames both deliver in the meantime. Exchanges that allow
 * one connection per key (Finnhub) can only break before make: close, then connect.
 */
import type { Logger } from '@tickwire/observability';
import type { ConnectionStatus, FeedState, ReconnectReason } from './feed-connection';
import { DEDUPE_GENERATION_MS, FrameDedupe } from './frame-dedupe';
import { StreamSocket, type StreamSocketOptions } from './stream-socket';

/** A rotation whose new connection is not complete within this long is abandoned and retried (ms). */
export const ROTATION_TIMEOUT_MS = 30_000;
/** Retry an abandoned rotation after this long (ms). */
const ROTATION_RETRY_MS = 60_000;
/** How often a rotation looks whether the new connection carries every stream yet (ms). */
const INCOMPLETE_RECHECK_MS = 100;
/** Rotations of shards opened together are spread over this share of the rotation age. */
const ROTATION_JITTER_SHARE = 0.02;

export interface StreamShardOptions extends Omit<
  StreamSocketOptions,
  'wanted' | 'onFrame' | 'onStatus' | 'onSilence' | 'logger'
> {
  id: number;
  logger: Logger;
  /** Rotate a connection this long after it opened (ms); 0 never. */
  rotateAfterMs: number;
  /** Both connections deliver for this long before the old one closes (ms). */
  overlapMs: number;
  /** False when the exchange allows one connection at a time: rotation reconnects instead. */
  makeBeforeBreak: boolean;
  onFrame(text: string, receivedAt: number, shard: StreamShard): void;
  onStatus(shard: StreamShard): void;
  /** The connection in service became silent past its cadence, or delivered again. */
  onSilence(shard: StreamShard): void;
  onRotated(shard: StreamShard, reason: ReconnectReason): void;
}

export interface ShardStatus {
  id: number;
  /** The connection in service; `silent` when open but quiet past its streams' cadence. */
  connection: FeedState;
  /** Streams the shard should carry, and how many the open connection carries. */
  streams: number;
  established: number;
  connectedSince: number | undefined;
  rotating: boolean;
}

export class StreamShard {
  /** The streams this shard should carry. */
  readonly streams = new Set<string>();
  private active: StreamSocket;
  private incoming: StreamSocket | undefined;
  private rotationReason: ReconnectReason = 'rotation';
  private incomingDeliveredAt = 0;
  private overlapTimer: NodeJS.Timeout | undefined;
  private rotationTimeout: NodeJS.Timeout | undefined;
  private rotateTimer: NodeJS.Timeout | undefined;
  private readonly dedupe = new FrameDedupe();
  private dedupeUntil = 0;
  private stopped = false;

  constructor(private readonly options: StreamShardOptions) {
    this.active = this.newSocket();
  }

  get id(): number {
    return this.options.id;
  }

  start(): Promise<void> {
    return this.active.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.overlapTimer);
    clearTimeout(this.rotationTimeout);
    clearTimeout(this.rotateTimer);
    const incoming = this.incoming;
    this.incoming = undefined;
    await Promise.all([this.active.stop(), incoming?.stop()]);
  }

  add(streams: readonly string[]): void {
    for (const stream of streams) this.streams.add(stream);
    this.sync();
  }

  remove(streams: readonly string[]): void {
    for (const stream of streams) this.streams.delete(stream);
    this.sync();
  }

  /** Unsubscribes and subscribes these streams again on the connection in service. */
  resubscribe(streams: readonly string[]): void {
    this.active.resubscribe(streams);
  }

  /** The connection in service: open, and since when. */
  connection(): ConnectionStatus {
    return this.active.status();
  }

  openSince(): number {
    return this.active.openSince();
  }

  status(): ShardStatus {
    const since = this.active.openSince();
    const status = this.active.status();
    return {
      id: this.options.id,
      connection: status === 'open' && this.active.isSilent() ? 'silent' : status,
      streams: this.streams.size,
      established: this.active.establishedCount(),
      connectedSince: since || undefined,
      rotating: this.incoming !== undefined,
    };
  }

  /** Replaces the connection, make-before-break where the exchange allows it. */
  rotate(reason: ReconnectReason): void {
    if (this.stopped || this.incoming) return;
    clearTimeout(this.rotateTimer);
    if (!this.options.makeBeforeBreak || this.active.status() !== 'open') {
      this.active.reconnectNow(reason);
      return;
    }
    this.options.logger.info({ shard: this.id, reason }, 'rotating exchange connection (make-before-break)');
    this.rotationReason = reason;
    this.incomingDeliveredAt = 0;
    const incoming = this.newSocket();
    this.incoming = incoming;
    this.rotationTimeout = setTimeout(() => this.abandonRotation(incoming), ROTATION_TIMEOUT_MS);
    void incoming.start();
  }

  private sync(): void {
    this.active.sync();
    this.incoming?.sync();
  }

  private newSocket(): StreamSocket {
    return new StreamSocket({
      ...this.options,
      logger: this.options.logger.child({ shard: this.options.id }),
      wanted: () => this.streams,
      onFrame: (text, receivedAt, socket) => this.onSocketFrame(text, receivedAt, socket),
      onStatus: (status, socket) => this.onSocketStatus(status, socket),
      onSilence: (_silent, socket) => {
        if (socket === this.active) this.options.onSilence(this);
      },
    });
  }

  private onSocketFrame(text: string, receivedAt: number, socket: StreamSocket): void {
    const overlapping = this.incoming !== undefined || receivedAt < this.dedupeUntil;
    if (socket === this.incoming && this.incomingDeliveredAt === 0) {
      this.incomingDeliveredAt = receivedAt;
      this.checkIncoming();
    }
    if (overlapping && !this.dedupe.firstSight(text)) return;
    this.options.onFrame(text, receivedAt, this);
  }

  private onSocketStatus(status: ConnectionStatus, socket: StreamSocket): void {
    if (socket === this.incoming) {
      this.checkIncoming();
      return;
    }
    if (socket !== this.active) return;
    clearTimeout(this.rotateTimer);
    this.rotateTimer = undefined;
    if (status === 'open' && this.options.rotateAfterMs > 0 && !this.stopped) {
      const jitter = Math.floor(Math.random() * this.options.rotateAfterMs * ROTATION_JITTER_SHARE);
      this.rotateTimer = setTimeout(() => this.rotate('rotation'), this.options.rotateAfterMs - jitter);
    }
    this.options.onStatus(this);
  }

  /** The new connection takes over once it carries every stream and has delivered for the overlap. */
  private checkIncoming(): void {
    const incoming = this.incoming;
    if (!incoming || this.overlapTimer || this.incomingDeliveredAt === 0) return;
    if (!incoming.isComplete()) {
      // Its subscriptions go out at the paced rate; look again shortly.
      this.overlapTimer = setTimeout(() => {
        this.overlapTimer = undefined;
        this.checkIncoming();
      }, INCOMPLETE_RECHECK_MS);
      return;
    }
    this.overlapTimer = setTimeout(() => {
      this.overlapTimer = undefined;
      // Streams added during the overlap may still be on their way: wait for them.
      if (this.incoming === incoming && incoming.isComplete()) void this.promote(incoming);
      else this.checkIncoming();
    }, this.options.overlapMs);
  }

  private async promote(incoming: StreamSocket): Promise<void> {
    clearTimeout(this.rotationTimeout);
    const old = this.active;
    this.active = incoming;
    this.incoming = undefined;
    // The new connection may still deliver events the old one already did.
    this.dedupeUntil = Date.now() + DEDUPE_GENERATION_MS;
    this.onSocketStatus(incoming.status(), incoming);
    this.options.onRotated(this, this.rotationReason);
    this.options.logger.info({ shard: this.id }, 'exchange connection rotated');
    await old.stop();
  }

  private abandonRotation(incoming: StreamSocket): void {
    if (this.incoming !== incoming) return;
    this.options.logger.warn(
      { shard: this.id },
      'rotation did not complete in time; keeping the old connection',
    );
    this.incoming = undefined;
    clearTimeout(this.overlapTimer);
    this.overlapTimer = undefined;
    void incoming.stop();
    if (!this.stopped) this.rotateTimer = setTimeout(() => this.rotate('rotation'), ROTATION_RETRY_MS);
  }
}
