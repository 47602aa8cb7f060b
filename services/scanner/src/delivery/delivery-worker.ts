/**
 * Drains the delivery queues: serves each destination whose time has come (at most
 * `maxDestinationsInFlight` at once, one message per destination at a time), sends up to ten
 * signals as one message, and ends or reschedules the entries by what Discord answered:
 *
 * - 2xx: the entries end as delivered; the destination is due again when its bucket allows.
 * - 429: nothing ends; the destination is due again at `retry_after` (every one, if global).
 * - 401 / 404: the destination is disabled for good and its queue dead-lettered; no request follows
 *   until its URL changes (a new webhook: the catalog clears the disabled mark in the same write).
 * - network, timeout, 5xx: the failure is counted per entry in Redis; retried with full-jitter
 *   backoff; after `maxAttempts` the entries are dead-lettered with the last reason.
 * - another 4xx: the entries are dead-lettered (the same message would be refused again).
 *
 * Exactly-once effect: an entry ends only after a 2xx, and its signal is marked delivered in the
 * same script, so a signal queued twice, or found pending after its message was accepted, is
 * not sent again. A destination that no longer exists is forgotten: its queue, dead letters and
 * disabled mark go, so nothing of it stays in Redis. What stays at-least-once: a crash after
 * Discord accepted a message and before the script ran leaves its entries pending, and whoever
 * claims them sends them again.
 */
import { fullJitterDelay } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import type { Signal } from '../signals/signal';
import type { DeliveryMetrics } from './delivery-metrics';
import { DeliveryOutcome } from './delivery-metrics';
import type { DeliveryQueue, QueuedEntry } from './delivery-queue';
import { DeliveryReason } from './delivery-reasons';
import { buildDiscordMessage, MAX_SIGNALS_PER_MESSAGE } from './discord-message';
import type { DiscordWebhookSender } from './discord-webhook-sender';
import { checkWebhookUrl, DISCORD_WEBHOOK_HOSTS } from '../webhook-url';

/** Where a destination's webhook URL is kept (the destination store). */
export interface WebhookDirectory {
  /** The destination's webhook URL as stored; undefined when the destination no longer exists. */
  webhookUrl(destinationId: string): Promise<string | undefined>;
}

export interface DeliveryWorkerOptions {
  queue: DeliveryQueue;
  sender: DiscordWebhookSender;
  directory: WebhookDirectory;
  /** This instance's consumer name in every destination's group (stable across restarts of one pod). */
  consumer: string;
  logger: Logger;
  metrics?: DeliveryMetrics;
  /** Hosts and origins webhook URLs may point at (see `checkWebhookUrl`). */
  allowedWebhookHosts: readonly string[];
  /** Destinations served at once. */
  maxDestinationsInFlight: number;
  /** How often due destinations are looked for when nothing else wakes the worker (ms). */
  pollMs: number;
  /** Entries another consumer left pending this long are taken over: it died or lost Redis (ms). */
  claimIdleMs: number;
  /** Failed attempts (network, timeout, 5xx) before a signal is dead-lettered. */
  maxAttempts: number;
  /** Backoff between failed attempts: the first delay's ceiling, doubling up to `retryMaxMs` (ms). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Shown as the sender of every message; absent: the webhook's own name. */
  username?: string;
  random?: () => number;
  /**
   * Asked just before each message goes out: false when this replica may no longer act for the
   * scanner (its leadership unconfirmed, e.g. after a pause longer than the renew deadline), so
   * the entries stay pending for the active replica to claim instead of being sent twice.
   * Absent: always (a worker outside an election).
   */
  isActive?: () => boolean;
}

type DefaultedOption =
  | 'allowedWebhookHosts'
  | 'maxDestinationsInFlight'
  | 'pollMs'
  | 'claimIdleMs'
  | 'maxAttempts'
  | 'retryBaseMs'
  | 'retryMaxMs';

export const DEFAULT_DELIVERY_WORKER_OPTIONS: Readonly<Pick<DeliveryWorkerOptions, DefaultedOption>> =
  Object.freeze({
    allowedWebhookHosts: DISCORD_WEBHOOK_HOSTS,
    maxDestinationsInFlight: 16,
    pollMs: 250,
    // Well above a request's timeout, so a live consumer's entries are never taken mid-request.
    claimIdleMs: 60_000,
    maxAttempts: 5,
    retryBaseMs: 1_000,
    retryMaxMs: 60_000,
  });

export class DeliveryWorker {
  private readonly options: DeliveryWorkerOptions;
  private readonly log: Logger;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Destinations whose last round failed on Redis: not served again before this (ms since the epoch). */
  private readonly pausedUntil = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** The tick running now, if any: `stop()` waits for it, so no round starts after it returns. */
  private ticking: Promise<void> | undefined;
  /** A wake-up came during a tick: the next tick follows at once. */
  private wokenWhileTicking = false;
  private running = false;

  constructor(
    options: Pick<DeliveryWorkerOptions, 'queue' | 'sender' | 'directory' | 'consumer' | 'logger'> &
      Partial<DeliveryWorkerOptions>,
  ) {
    this.options = { ...DEFAULT_DELIVERY_WORKER_OPTIONS, ...options };
    this.log = options.logger.child({ component: 'delivery', consumer: options.consumer });
  }

  /** Starts serving due destinations; resolves at once. */
  start(): Promise<void> {
    if (!this.running) {
      this.running = true;
      this.wake();
    }
    return Promise.resolve();
  }

  /** Stops looking for work and waits for the messages in flight (each bounded by the sender's timeout). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Looks for due destinations now (a signal was just queued, a round just ended). */
  wake(): void {
    if (!this.running) return;
    if (this.ticking !== undefined) {
      this.wokenWhileTicking = true;
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  private tick(): void {
    this.timer = undefined;
    this.ticking = this.startDueRounds().finally(() => {
      this.ticking = undefined;
      const delayMs = this.wokenWhileTicking ? 0 : this.options.pollMs;
      this.wokenWhileTicking = false;
      if (this.running && this.timer === undefined) this.timer = setTimeout(() => this.tick(), delayMs);
    });
  }

  private async startDueRounds(): Promise<void> {
    try {
      const free = this.options.maxDestinationsInFlight - this.inFlight.size;
      if (free > 0) {
        const now = Date.now();
        const due = await this.options.queue.dueDestinations(
          now,
          this.options.maxDestinationsInFlight + this.inFlight.size,
        );
        for (const destinationId of due) {
          if (!this.running) break;
          if (this.inFlight.size >= this.options.maxDestinationsInFlight) break;
          if (this.inFlight.has(destinationId) || (this.pausedUntil.get(destinationId) ?? 0) > now) continue;
          this.pausedUntil.delete(destinationId);
          const round = this.serve(destinationId).finally(() => {
            this.inFlight.delete(destinationId);
            this.wake();
          });
          this.inFlight.set(destinationId, round);
        }
      }
    } catch (error) {
      this.log.warn({ err: errorMessage(error) }, 'could not read the due destinations; trying again');
    }
  }

  /** One round for one destination: at most one message. */
  private async serve(destinationId: string): Promise<void> {
    try {
      await this.round(destinationId);
    } catch (error) {
      this.pausedUntil.set(destinationId, Date.now() + this.options.retryBaseMs);
      this.log.warn(
        { destination: destinationId, err: errorMessage(error) },
        'delivery round failed; trying again',
      );
    }
  }

  private async round(destinationId: string): Promise<void> {
    const { queue, sender, directory } = this.options;
    const url = await directory.webhookUrl(destinationId);
    if (url === undefined) {
      await this.forget(destinationId);
      return;
    }
    const check = checkWebhookUrl(url, this.options.allowedWebhookHosts);
    if (!check.ok) {
      await this.disable(destinationId, url, DeliveryReason.InvalidWebhookUrl, check.problem);
      return;
    }
    const { target } = check;
    const now = Date.now();
    const readyAt = sender.readyAt(target, now);
    if (readyAt > now) {
      await queue.reschedule(destinationId, readyAt);
      return;
    }
    const taken = await queue.take(
      destinationId,
      this.options.consumer,
      MAX_SIGNALS_PER_MESSAGE,
      this.options.claimIdleMs,
    );
    const entries = await this.withoutEnded(destinationId, taken);
    if (entries.length === 0) {
      // Empty: forgotten. Otherwise what is left is pending at a live consumer: look again once it could be claimed.
      await queue.reschedule(destinationId, taken.length > 0 ? now : now + this.options.claimIdleMs / 2);
      return;
    }
    const { message, signalCount } = buildDiscordMessage(
      entries.map((entry) => entry.signal),
      {
        ...(this.options.username === undefined ? {} : { username: this.options.username }),
      },
    );
    const batch = entries.slice(0, signalCount);
    const fields = { destination: destinationId, webhook: target.redacted, signals: batch.length };
    if (this.options.isActive && !this.options.isActive()) {
      this.log.warn(fields, 'no longer the active scanner: leaving the signals to the one that is');
      return;
    }
    const outcome = await sender.send(url, target, message);
    const metrics = this.options.metrics;
    switch (outcome.kind) {
      case 'delivered': {
        metrics?.messages.inc({ outcome: DeliveryOutcome.Delivered });
        const ended = await queue.settleDelivered(destinationId, batch);
        metrics?.signalsDelivered.inc(ended);
        await queue.reschedule(destinationId, sender.readyAt(target));
        return;
      }
      case 'rate-limited':
        metrics?.messages.inc({ outcome: DeliveryOutcome.RateLimited });
        metrics?.rateLimited.inc({ scope: outcome.scope });
        this.log.warn(
          { ...fields, scope: outcome.scope, retryAt: new Date(outcome.retryAt).toISOString() },
          'Discord rate-limited a webhook; waiting as it asked',
        );
        await queue.reschedule(destinationId, outcome.retryAt);
        return;
      case 'gone':
        metrics?.messages.inc({ outcome: DeliveryOutcome.Gone });
        await this.disable(destinationId, url, DeliveryReason.WebhookGone, outcome.reason);
        return;
      case 'rejected':
        metrics?.messages.inc({ outcome: DeliveryOutcome.Rejected });
        this.log.error(
          { ...fields, reason: outcome.reason },
          'Discord refused a message; its signals are dead-lettered',
        );
        await this.deadLetter(destinationId, batch, DeliveryReason.PayloadRejected, outcome.reason);
        await queue.reschedule(destinationId, Date.now());
        return;
      case 'failed': {
        metrics?.messages.inc({ outcome: DeliveryOutcome.Failed });
        const attempts = await queue.recordFailure(destinationId, batch);
        if (attempts >= this.options.maxAttempts) {
          const reason = `${attempts} attempts failed; the last: ${outcome.reason}`;
          this.log.error({ ...fields, reason }, 'a webhook kept failing; its signals are dead-lettered');
          await this.deadLetter(destinationId, batch, DeliveryReason.AttemptsExhausted, reason);
          await queue.reschedule(destinationId, Date.now());
          return;
        }
        const delayMs = fullJitterDelay(attempts - 1, {
          baseMs: this.options.retryBaseMs,
          maxMs: this.options.retryMaxMs,
          ...(this.options.random === undefined ? {} : { random: this.options.random }),
        });
        this.log.warn(
          { ...fields, reason: outcome.reason, attempts, retryInMs: delayMs },
          'webhook request failed; retrying',
        );
        await queue.reschedule(destinationId, Date.now() + delayMs);
        return;
      }
    }
  }

  /**
   * The entries still to send, parsed: those whose signal is marked delivered already end
   * without a request, those that cannot be read are dead-lettered.
   */
  private async withoutEnded(
    destinationId: string,
    entries: readonly QueuedEntry[],
  ): Promise<(QueuedEntry & { signal: Signal })[]> {
    const { queue } = this.options;
    const delivered = await queue.deliveredAlready(
      destinationId,
      entries.map((entry) => entry.signalId),
    );
    const already = entries.filter((_, i) => delivered[i] === true);
    if (already.length > 0) await queue.settleDelivered(destinationId, already);
    const readable: (QueuedEntry & { signal: Signal })[] = [];
    const unreadable: QueuedEntry[] = [];
    for (const [i, entry] of entries.entries()) {
      if (delivered[i] === true) continue;
      const signal = parseSignal(entry.signalJson);
      if (signal === undefined) unreadable.push(entry);
      else readable.push({ ...entry, signal });
    }
    if (unreadable.length > 0) {
      await this.deadLetter(
        destinationId,
        unreadable,
        DeliveryReason.PayloadRejected,
        'the queued signal is not readable JSON',
      );
    }
    return readable;
  }

  private async deadLetter(
    destinationId: string,
    entries: readonly QueuedEntry[],
    code: DeliveryReason,
    reason: string,
  ): Promise<void> {
    const ended = await this.options.queue.deadLetter(destinationId, entries, code, reason);
    this.options.metrics?.deadLetters.inc({ code }, ended);
  }

  /**
   * Disables the destination for good and dead-letters its queue, then looks at it once more:
   * its owner may have given it a new URL, or deleted it, while the request to `url` was in
   * flight, and neither may be undone by this verdict on the old webhook.
   */
  private async disable(
    destinationId: string,
    url: string,
    code: DeliveryReason,
    reason: string,
  ): Promise<void> {
    const { queue, directory, metrics } = this.options;
    const dropped = await queue.drop(destinationId, code, reason, true);
    if (dropped > 0) metrics?.deadLetters.inc({ code }, dropped);
    metrics?.destinationsDisabled.inc({ code });
    this.log.error(
      { destination: destinationId, code, reason, deadLettered: dropped },
      'destination disabled for good; its queue is dead-lettered',
    );
    const current = await directory.webhookUrl(destinationId);
    if (current === undefined) {
      await this.forget(destinationId);
    } else if (current !== url && (await queue.enable(destinationId))) {
      this.log.warn(
        { destination: destinationId },
        'the destination got a new webhook URL meanwhile; it is served again',
      );
    }
  }

  /** The destination no longer exists: nothing of it is kept. */
  private async forget(destinationId: string): Promise<void> {
    const code = DeliveryReason.DestinationRemoved;
    const discarded = await this.options.queue.forget(destinationId);
    if (discarded > 0) this.options.metrics?.deadLetters.inc({ code }, discarded);
    this.log.warn(
      { destination: destinationId, code, discarded },
      'destination gone; its delivery state is forgotten',
    );
  }
}

function parseSignal(json: string): Signal | undefined {
  try {
    const value = JSON.parse(json) as Partial<Signal> | null;
    return value !== null && typeof value === 'object' && typeof value.id === 'string'
      ? (value as Signal)
      : undefined;
  } catch {
    return undefined;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
