/**
 * One Massive client connection (exchanges.md Part B 5.3-5.7): `connected` on open; the auth
 * message within `authTimeoutMs` (else `auth_timeout` and a close); a wrong key or a plan without
 * this feed gets `auth_failed` and a cut without a close handshake; subscriptions before auth get
 * `auth_required`; one `success` ack per subscribed item, batched in one array; unknown prefixes
 * silently dropped (no ack), unknown tickers acked and silent; events batched into one array
 * frame per batch interval, types mixed. WebSocket pings are answered by the ws library.
 */
import type { FaultState } from '../fault-state';
import type { HubClient, StreamHub } from '../stream-hub';
import type { VenueSocket } from '../venue/venue-socket';
import { CloseReason } from '../venue/venue-stats';
import { parseMassiveClientMessage } from './client-messages';
import type { ResolvedMassiveSimOptions } from './options';
import { MassiveStatus, ackEvent } from './payloads';
import type { MassiveSimStats } from './sim-api';

const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');
const SEPARATOR = Buffer.from(',');

/** Close code after `auth_timeout`, `max_connections` and `slow_consumer` (not documented: 1008). */
export const MASSIVE_POLICY_CLOSE_CODE = 1008;

export interface MassiveConnectionContext {
  readonly options: ResolvedMassiveSimOptions;
  readonly hub: StreamHub;
  readonly stats: MassiveSimStats;
  readonly faults: FaultState;
  /** Event prefixes this host serves (`Q` only on the real-time host). */
  readonly prefixes: ReadonlySet<string>;
  /** Why this key may not use this host, as the auth_failed frame to send; undefined when it may. */
  readonly refusal: (key: string) => string | undefined;
  /** Called once the connection authenticated (the one-connection-per-cluster rule acts here). */
  readonly onAuthenticated: (connection: MassiveConnection) => void;
}

export class MassiveConnection implements HubClient {
  readonly combined = false;
  private readonly streams = new Set<string>();
  private pending: Buffer[] = [];
  private authTimer: NodeJS.Timeout | undefined;
  /** The key it authenticated with; undefined before auth. */
  key: string | undefined;

  constructor(
    readonly socket: VenueSocket,
    private readonly ctx: MassiveConnectionContext,
  ) {}

  start(): void {
    this.socket.onText((text) => this.onText(text));
    this.socket.onClosed(() => this.cleanUp());
    this.socket.send(MassiveStatus.connected);
    this.authTimer = setTimeout(() => {
      this.ctx.stats.authTimeouts += 1;
      this.closeWithStatus(MassiveStatus.authTimeout, 'auth timeout', CloseReason.AUTH_TIMEOUT);
    }, this.ctx.options.authTimeoutMs);
  }

  /** HubClient: one event of a subscribed stream, held until the next flush. */
  sendFrame(event: Buffer): void {
    if (this.socket.isOpen) this.pending.push(event);
  }

  /** Sends the pending events as one array frame (called once per batch interval). */
  flush(): void {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    if (this.ctx.faults.stalled) return;
    const parts: Buffer[] = [OPEN];
    events.forEach((event, index) => {
      if (index > 0) parts.push(SEPARATOR);
      parts.push(event);
    });
    parts.push(CLOSE);
    if (this.socket.send(Buffer.concat(parts))) this.ctx.stats.dataFramesSent += 1;
  }

  /** Sends one status frame, then closes with a close frame. */
  closeWithStatus(frame: string, text: string, reason: CloseReason): void {
    this.socket.send(frame);
    this.socket.closeWith(MASSIVE_POLICY_CLOSE_CODE, text, reason);
  }

  private onText(text: string): void {
    const { stats } = this.ctx;
    stats.messagesIn += 1;
    const message = parseMassiveClientMessage(text);
    if (message === undefined) {
      stats.malformedMessagesIn += 1;
      return;
    }
    if (message.action === 'auth') {
      this.authenticate(message.key);
      return;
    }
    if (this.key === undefined) {
      stats.errorsSent += 1;
      this.socket.send(MassiveStatus.authRequired);
      return;
    }
    if (message.action === 'subscribe') this.subscribe(message.items);
    else this.unsubscribe(message.items);
  }

  private authenticate(key: string): void {
    if (this.key !== undefined) return;
    clearTimeout(this.authTimer);
    this.authTimer = undefined;
    const refusal = this.ctx.refusal(key);
    if (refusal !== undefined) {
      this.ctx.stats.authFailures += 1;
      this.ctx.stats.errorsSent += 1;
      this.socket.send(refusal);
      // "closes without a close handshake" [INFER].
      this.socket.terminate(CloseReason.AUTH_FAILED);
      return;
    }
    this.key = key;
    this.socket.send(MassiveStatus.authSuccess);
    this.ctx.onAuthenticated(this);
  }

  private subscribe(items: readonly string[]): void {
    const { stats, hub, prefixes } = this.ctx;
    const acks: string[] = [];
    for (const item of items) {
      const dot = item.indexOf('.');
      // An unknown prefix is silently dropped: no ack, no error.
      if (dot <= 0 || !prefixes.has(item.slice(0, dot))) continue;
      // A subscription the socket already holds is not answered again.
      if (this.streams.has(item)) continue;
      this.streams.add(item);
      stats.subscribes += 1;
      stats.subscriptions += 1;
      hub.subscribe(this, item);
      acks.push(ackEvent('subscribed', item));
    }
    if (acks.length > 0) this.socket.send(`[${acks.join(',')}]`);
  }

  private unsubscribe(items: readonly string[]): void {
    const { stats, hub } = this.ctx;
    const acks: string[] = [];
    for (const item of items) {
      stats.unsubscribes += 1;
      if (!this.streams.delete(item)) continue;
      stats.subscriptions -= 1;
      hub.unsubscribe(this, item);
      acks.push(ackEvent('unsubscribed', item));
    }
    if (acks.length > 0) this.socket.send(`[${acks.join(',')}]`);
  }

  private cleanUp(): void {
    clearTimeout(this.authTimer);
    this.authTimer = undefined;
    const { stats, hub } = this.ctx;
    for (const stream of this.streams) hub.unsubscribe(this, stream);
    stats.subscriptions -= this.streams.size;
    this.streams.clear();
    this.pending = [];
  }
}
