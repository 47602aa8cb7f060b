/**
 * The admission of one request to a route: who calls (a key, or anonymous where the operator
 * opened the route's group), whether the caller is within its rate (per key, or per IP for
 * anonymous callers; every replica counts in Redis), and whether its key's scope suffices.
 * Every admitted response carries the caller's RateLimit headers.
 */
import type { Request, Response } from 'express';
import { scopeAllows, type Scope } from '../keys';
import { rateLimitHeaders, type RateLimiter, type RatePolicy } from '../limits';
import { httpErrors } from '../http/errors';
import type { AnonymousRouteGroup } from '../http/route-groups';
import type { GatewayMetrics } from '../metrics';
import type { Authenticator } from './authenticator';
import type { Caller } from './caller';
import { clientAddress } from './client-address';

export interface AccessRule {
  /** The least scope a key needs. */
  scope: Scope;
  /** The group that `ANONYMOUS_READ` may open to callers without a key; none: keys only. */
  anonymousGroup?: AnonymousRouteGroup;
}

/** Keys of scope `admin` only (the admin API, creating owners). */
export const ADMIN_ONLY: AccessRule = { scope: 'admin' };

export interface AccessControlOptions {
  authenticator: Authenticator;
  limiter: RateLimiter;
  /** Route groups callers without a key may read (`ANONYMOUS_READ`). */
  anonymousGroups: readonly AnonymousRouteGroup[];
  keyRate: Omit<RatePolicy, 'name'>;
  anonymousRate: Omit<RatePolicy, 'name'>;
  metrics: GatewayMetrics;
}

export class AccessControl {
  private readonly anonymousGroups: ReadonlySet<AnonymousRouteGroup>;
  private readonly keyPolicy: RatePolicy;
  private readonly anonymousPolicy: RatePolicy;

  constructor(private readonly options: AccessControlOptions) {
    this.anonymousGroups = new Set(options.anonymousGroups);
    this.keyPolicy = { name: 'key', ...options.keyRate };
    this.anonymousPolicy = { name: 'ip', ...options.anonymousRate };
  }

  /** The admitted caller; throws the 401, 403 or 429 HttpError that refuses it. */
  async admit(req: Request, res: Response, rule: AccessRule): Promise<Caller> {
    const address = clientAddress(req.ip);
    const caller = await this.options.authenticator.authenticate(req.headers, address);
    if (caller === undefined && !(rule.anonymousGroup && this.anonymousGroups.has(rule.anonymousGroup)))
      throw httpErrors.keyRequired();
    const state =
      caller === undefined
        ? await this.options.limiter.consume(`ip:${address}`, this.anonymousPolicy)
        : await this.options.limiter.consume(`key:${caller.keyId}`, this.keyPolicy);
    const headers = rateLimitHeaders(state);
    if (state.limited) {
      this.options.metrics.rateLimited.inc({ policy: state.policy.name });
      throw httpErrors.rateLimited(headers);
    }
    res.set(headers);
    if (caller !== undefined && !scopeAllows(caller.scope, rule.scope))
      throw httpErrors.insufficientScope(caller.scope, rule.scope);
    return caller ?? { kind: 'anonymous' };
  }
}
