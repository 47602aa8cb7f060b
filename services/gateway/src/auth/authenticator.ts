/**
 * Turns a presented API key into a caller, and makes guessing keys slow: every refused key
 * counts against the caller's IP, and past `AUTH_FAILURE_LIMIT` failures in a window, keyed
 * requests from that IP are refused (429) before their key is even looked at, whatever it is.
 * A valid key from another address is not affected. The addresses found throttled are
 * remembered (ThrottledAddresses): the ThrottleGuard in front of the routes refuses them from then
 * on, before this is reached.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '@tickwire/observability';
import { keyStatus, looksLikeApiKey, type ApiKeyRecord, type ApiKeyStore } from '../keys';
import { rateLimitHeaders, type RateLimiter, type RatePolicy, type RateState } from '../limits';
import { httpErrors } from '../http/errors';
import type { GatewayMetrics } from '../metrics';
import type { KeyCaller } from './caller';
import { presentedKey } from './presented-key';
import type { ThrottledAddresses } from './throttled-addresses';

export interface AuthenticatorOptions {
  store: ApiKeyStore;
  limiter: RateLimiter;
  /** Failed authentications one address may make per window. */
  failures: RatePolicy;
  /** Where the addresses found throttled are remembered, for the ThrottleGuard. */
  throttled: ThrottledAddresses;
  metrics: GatewayMetrics;
  logger: Logger;
}

type FailureReason = 'invalid' | 'revoked' | 'expired';

export class Authenticator {
  private readonly failurePolicy: RatePolicy;

  constructor(private readonly options: AuthenticatorOptions) {
    this.failurePolicy = options.failures;
  }

  /** The key's caller; undefined when the request carries no key. Throws 401 or 429 HttpErrors. */
  async authenticate(headers: IncomingHttpHeaders, address: string): Promise<KeyCaller | undefined> {
    const presented = presentedKey(headers);
    if (presented === undefined) return undefined;
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

  private remember(address: string, state: RateState): void {
    this.options.throttled.remember(address, state.resetMs);
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
