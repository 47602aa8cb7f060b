/**
 * Turns a presented API key into a caller, and makes guessing keys slow: every refused key
 * counts against the caller's IP, and past `AUTH_FAILURE_LIMIT` failures in a window, keyed
 * requests from that IP are refused (429) before their key is even looked at, whatever it is.
 * A valid key from another address is not affected. A replica remembers the addresses it saw
 * throttled until their window ends and refuses them without a Redis round trip or a key hash,
 * so a guesser costs it as little as it can.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '@tickwire/observability';
import { keyStatus, looksLikeApiKey, type ApiKeyRecord, type ApiKeyStore } from '../keys';
import { rateLimitHeaders, type RateLimiter, type RatePolicy, type RateState } from '../limits';
import { httpErrors } from '../http/errors';
import type { GatewayMetrics } from '../metrics';
import type { KeyCaller } from './caller';
import { presentedKey } from './presented-key';

export interface AuthenticatorOptions {
  store: ApiKeyStore;
  limiter: RateLimiter;
  /** Failed authentications one address may make per window. */
  failures: Omit<RatePolicy, 'name'>;
  metrics: GatewayMetrics;
  logger: Logger;
}

type FailureReason = 'invalid' | 'revoked' | 'expired';

/** Throttled addresses remembered at most; the oldest is forgotten first (Redis still counts it). */
const MAX_REMEMBERED_THROTTLES = 10_000;

export class Authenticator {
  private readonly failurePolicy: RatePolicy;
  /** Address -> end of its throttled window (ms since the epoch), as this replica saw it. */
  private readonly throttledUntil = new Map<string, number>();

  constructor(private readonly options: AuthenticatorOptions) {
    this.failurePolicy = { name: 'auth', ...options.failures };
  }

  /** The key's caller; undefined when the request carries no key. Throws 401 or 429 HttpErrors. */
  async authenticate(headers: IncomingHttpHeaders, address: string): Promise<KeyCaller | undefined> {
    const presented = presentedKey(headers);
    if (presented === undefined) return undefined;
    this.refuseIfRemembered(address);
    const subject = `auth-failures:${address}`;
    const { limiter, store } = this.options;
    // Both at once: the lookup's answer is dropped when the address is throttled, so it tells nothing.
    const [throttle, record] = await Promise.all([
      limiter.check(subject, this.failurePolicy),
      looksLikeApiKey(presented) ? store.find(presented) : Promise.resolve(undefined),
    ]);
    if (throttle.limited) {
      this.options.metrics.rateLimited.inc({ policy: 'auth' });
      this.remember(address, throttle);
      throw httpErrors.authThrottled(rateLimitHeaders(throttle));
    }
    const failure = this.failureOf(record, Date.now());
    if (failure !== undefined) {
      // Requests that passed the check together may all fail: those past the limit get the 429,
      // so an address learns "invalid" for exactly AUTH_FAILURE_LIMIT keys per window.
      const after = await this.countFailure(subject, address, failure);
      if (after.limited) {
        this.remember(address, after);
        throw httpErrors.authThrottled(rateLimitHeaders(after));
      }
      throw failure === 'revoked'
        ? httpErrors.keyRevoked()
        : failure === 'expired'
          ? httpErrors.keyExpired()
          : httpErrors.invalidKey();
    }
    const { id, prefix, scope, ownerId, maxStreams, expiresAt } = record!;
    return {
      kind: 'key',
      keyId: id,
      prefix,
      scope,
      ...(ownerId !== undefined && { ownerId }),
      ...(maxStreams !== undefined && { maxStreams }),
      ...(expiresAt !== undefined && { expiresAt: Date.parse(expiresAt) }),
    };
  }

  /** Refuses an address this replica saw throttled, while its window lasts. */
  private refuseIfRemembered(address: string): void {
    const until = this.throttledUntil.get(address);
    if (until === undefined) return;
    const resetMs = until - Date.now();
    if (resetMs <= 0) {
      this.throttledUntil.delete(address);
      return;
    }
    this.options.metrics.rateLimited.inc({ policy: 'auth' });
    throw httpErrors.authThrottled(
      rateLimitHeaders({ policy: this.failurePolicy, remaining: 0, resetMs, limited: true }),
    );
  }

  private remember(address: string, state: RateState): void {
    this.throttledUntil.delete(address);
    this.throttledUntil.set(address, Date.now() + state.resetMs);
    if (this.throttledUntil.size > MAX_REMEMBERED_THROTTLES) {
      const oldest = this.throttledUntil.keys().next().value;
      if (oldest !== undefined) this.throttledUntil.delete(oldest);
    }
  }

  private failureOf(record: ApiKeyRecord | undefined, now: number): FailureReason | undefined {
    if (record === undefined) return 'invalid';
    const status = keyStatus(record, now);
    return status === 'active' ? undefined : status;
  }

  private async countFailure(subject: string, address: string, reason: FailureReason): Promise<RateState> {
    const { limiter, metrics, logger } = this.options;
    metrics.authFailures.inc({ reason });
    const after = await limiter.consume(subject, this.failurePolicy);
    if (after.limited) metrics.rateLimited.inc({ policy: 'auth' });
    // Once per window, when the address uses up its last allowed failure.
    if (!after.limited && after.remaining === 0)
      logger.warn(
        { address, failures: this.failurePolicy.limit, retryAfterMs: after.resetMs },
        'too many failed authentications from one address; refusing its keyed requests for the rest of the window',
      );
    return after;
  }
}
