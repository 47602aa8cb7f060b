/**
 * Rate limits shared by every replica: a fixed window per subject (`key:<id>`, `ip:<addr>`,
 * `auth-failures:<addr>`) counted in Redis by one script. The window starts at a subject's first
 * request, so a limit of N per window lets exactly N through whichever replicas they reach.
 */
import type { LimitScripts } from './limit-scripts';

export interface RatePolicy {
  /** Named in the RateLimit headers (`"key"`). */
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateState {
  policy: RatePolicy;
  remaining: number;
  /** ms until the window ends (0: none open). */
  resetMs: number;
  /** The request is refused. */
  limited: boolean;
}

export class RateLimiter {
  constructor(private readonly scripts: LimitScripts) {}

  /** Counts one request of `subject`; limited when it goes past the policy's limit. */
  async consume(subject: string, policy: RatePolicy, cost = 1): Promise<RateState> {
    const { used, resetMs } = await this.scripts.consume(subject, cost, policy.windowMs);
    return { policy, remaining: Math.max(0, policy.limit - used), resetMs, limited: used > policy.limit };
  }

  /** Reads `subject`'s window without counting; limited when nothing is left in it. */
  async check(subject: string, policy: RatePolicy): Promise<RateState> {
    const { used, resetMs } = await this.scripts.consume(subject, 0, policy.windowMs);
    return { policy, remaining: Math.max(0, policy.limit - used), resetMs, limited: used >= policy.limit };
  }
}
