/**
 * Sends one message to one Discord webhook and says what Discord answered, keeping Discord's
 * rate limits as Discord announces them: after every answer the webhook's bucket
 * (`X-RateLimit-Remaining`, `X-RateLimit-Reset-After`) says when the next request may go, so a
 * full bucket is waited out before a 429 happens; a 429 holds the webhook for its `retry_after`
 * (float seconds, in the JSON body), or every webhook when it is `global`.
 * https://discord.com/developers/docs/topics/rate-limits
 *
 * It is not the shared REST client: that one spends budgets configured per named venue and
 * retries in memory, while Discord states a bucket per webhook in each answer, webhooks come
 * and go with destinations, a global limit spans all of them, retries must survive restarts
 * (the queue schedules them) and a webhook's path is its secret. The transport is shared.
 */
import { httpExchange, HttpExchangeError, retryAfterMs, type HttpAnswer } from '@tickwire/service';
import type { DiscordMessage } from './discord-message';
import type { WebhookTarget } from '../webhook-url';

export interface DiscordWebhookSenderOptions {
  /** One request, answer included, gets this long (ms). */
  timeoutMs: number;
  /** How long a 429 that states no wait at all holds the webhook (ms). */
  unstatedRetryMs: number;
  fetch?: typeof fetch;
}

export const DEFAULT_DISCORD_WEBHOOK_SENDER_OPTIONS: Readonly<DiscordWebhookSenderOptions> = Object.freeze({
  timeoutMs: 10_000,
  unstatedRetryMs: 5_000,
});

/** A 204 has no body; an error body is cut by the transport anyway. */
const MAX_ANSWER_BODY_BYTES = 64 * 1024;
const MS_PER_SECOND = 1_000;

export type RateLimitScope = 'user' | 'global' | 'shared';

/** What one request came to. */
export type WebhookSendOutcome =
  /** Discord accepted the message (2xx). */
  | { kind: 'delivered'; status: number }
  /** 429: nothing was posted; try again at `retryAt` (ms since the epoch). */
  | { kind: 'rate-limited'; retryAt: number; scope: RateLimitScope }
  /** 401 or 404: the webhook was deleted or its token is wrong; never call it again. */
  | { kind: 'gone'; status: number; reason: string }
  /** Another 4xx: Discord refused this message; sending it again cannot help. */
  | { kind: 'rejected'; status: number; reason: string }
  /** Network error, timeout, 408 or 5xx: it may work later. */
  | { kind: 'failed'; reason: string };

interface Bucket {
  /** Requests left in the current window; unknown before the first answer. */
  remaining: number;
  /** When the window restarts (ms since the epoch). */
  resetAt: number;
}

const HTTP_UNAUTHORIZED = 401;
const HTTP_NOT_FOUND = 404;
const HTTP_REQUEST_TIMEOUT = 408;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_SERVER_ERRORS_FROM = 500;

export class DiscordWebhookSender {
  private readonly options: DiscordWebhookSenderOptions;
  private readonly fetchImpl: typeof fetch;
  /** Per webhook id: its bucket as last announced. */
  private readonly buckets = new Map<string, Bucket>();
  /** After a global 429: no webhook is called before this (ms since the epoch). */
  private globalUntil = 0;

  constructor(options: Partial<DiscordWebhookSenderOptions> = {}) {
    this.options = { ...DEFAULT_DISCORD_WEBHOOK_SENDER_OPTIONS, ...options };
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** When the webhook may be called next (ms since the epoch; `now` or earlier when it may now). */
  readyAt(target: WebhookTarget, now = Date.now()): number {
    const bucket = this.buckets.get(target.webhookId);
    if (bucket !== undefined && bucket.resetAt <= now) this.buckets.delete(target.webhookId);
    const bucketReadyAt = bucket !== undefined && bucket.remaining <= 0 ? bucket.resetAt : now;
    return Math.max(now, this.globalUntil, bucketReadyAt);
  }

  /** Posts `message`; never throws for what Discord or the network did, only for `signal`'s abort. */
  async send(
    url: string,
    target: WebhookTarget,
    message: DiscordMessage,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<WebhookSendOutcome> {
    // Counted before the answer, so two destinations sharing a webhook do not both spend its last request.
    const bucket = this.buckets.get(target.webhookId);
    if (bucket !== undefined) bucket.remaining -= 1;
    let answer: HttpAnswer;
    try {
      answer = await httpExchange(
        {
          url,
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(message),
        },
        {
          fetch: this.fetchImpl,
          timeoutMs: this.options.timeoutMs,
          maxBodyBytes: MAX_ANSWER_BODY_BYTES,
          signal,
        },
      );
    } catch (error) {
      if (!(error instanceof HttpExchangeError)) throw error;
      const { failure } = error;
      if (failure.kind === 'timeout')
        return { kind: 'failed', reason: `no answer within ${this.options.timeoutMs} ms` };
      if (failure.kind === 'network')
        return { kind: 'failed', reason: `cannot reach the webhook: ${failure.cause}` };
      // An oversized 2xx body: the message was accepted all the same.
      return { kind: 'delivered', status: failure.status };
    }
    const receivedAt = Date.now();
    this.learnBucket(target, answer, receivedAt);
    const { status } = answer;
    if (status >= 200 && status <= 299) return { kind: 'delivered', status };
    if (status === HTTP_TOO_MANY_REQUESTS) return this.rateLimited(target, answer, receivedAt);
    const reason = `Discord answered HTTP ${status}${describeError(answer.bodyText)}`;
    if (status === HTTP_UNAUTHORIZED || status === HTTP_NOT_FOUND) return { kind: 'gone', status, reason };
    if (status === HTTP_REQUEST_TIMEOUT || status >= HTTP_SERVER_ERRORS_FROM)
      return { kind: 'failed', reason };
    return { kind: 'rejected', status, reason };
  }

  /** Reads the bucket from any answer that states it (429s included). */
  private learnBucket(target: WebhookTarget, answer: HttpAnswer, receivedAt: number): void {
    const remaining = Number(answer.headers['x-ratelimit-remaining']);
    const resetAfterSeconds = Number(answer.headers['x-ratelimit-reset-after']);
    if (
      !Number.isFinite(remaining) ||
      !Number.isFinite(resetAfterSeconds) ||
      answer.headers['x-ratelimit-remaining'] === undefined
    )
      return;
    this.buckets.set(target.webhookId, {
      remaining,
      resetAt: receivedAt + Math.ceil(resetAfterSeconds * MS_PER_SECOND),
    });
  }

  private rateLimited(target: WebhookTarget, answer: HttpAnswer, receivedAt: number): WebhookSendOutcome {
    const body = parseRateLimitBody(answer.bodyText);
    const waitMs =
      body.retryAfterSeconds !== undefined
        ? Math.ceil(body.retryAfterSeconds * MS_PER_SECOND)
        : (retryAfterMs(answer.headers, receivedAt) ?? this.options.unstatedRetryMs);
    const retryAt = receivedAt + waitMs;
    const scopeHeader = answer.headers['x-ratelimit-scope'];
    const global = body.global || answer.headers['x-ratelimit-global'] === 'true' || scopeHeader === 'global';
    if (global) {
      this.globalUntil = Math.max(this.globalUntil, retryAt);
      return { kind: 'rate-limited', retryAt, scope: 'global' };
    }
    const bucket = this.buckets.get(target.webhookId);
    this.buckets.set(target.webhookId, { remaining: 0, resetAt: Math.max(retryAt, bucket?.resetAt ?? 0) });
    return { kind: 'rate-limited', retryAt, scope: scopeHeader === 'shared' ? 'shared' : 'user' };
  }
}

/** Discord's 429 body: `{message, retry_after (float seconds), global}`. */
function parseRateLimitBody(bodyText: string): { retryAfterSeconds: number | undefined; global: boolean } {
  try {
    const body = JSON.parse(bodyText) as { retry_after?: unknown; global?: unknown };
    const retryAfter =
      typeof body.retry_after === 'number' && body.retry_after >= 0 ? body.retry_after : undefined;
    return { retryAfterSeconds: retryAfter, global: body.global === true };
  } catch {
    return { retryAfterSeconds: undefined, global: false };
  }
}

/** Discord's error body `{message, code}` in a few words, for dead letters and logs. */
function describeError(bodyText: string): string {
  try {
    const body = JSON.parse(bodyText) as { message?: unknown; code?: unknown };
    if (typeof body.message === 'string') {
      return typeof body.code === 'number' ? `: ${body.message} (code ${body.code})` : `: ${body.message}`;
    }
  } catch {
    // Not JSON (a proxy's page): show its start.
  }
  const text = bodyText.trim().slice(0, 200);
  return text === '' ? '' : `: ${text}`;
}
