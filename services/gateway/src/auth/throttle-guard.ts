/**
 * The gateway's first check on a request, before express parses it: a request that carries a
 * key from an address this replica saw throttled (too many failed authentications) is refused
 * here, 429 `AUTH_THROTTLED` whatever its key, and its answer is held for
 * AUTH_THROTTLE_DELAY_MS. Refusing fast is not enough against a guesser: a client that sends its
 * next request as soon as the last is answered just sends more when answers come faster, and
 * takes the event loop from authenticated callers. Held answers bound it instead, to its
 * connections divided by the delay, however fast it sends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '@tickwire/service';
import { httpErrors } from '../http/errors';
import { rateLimitHeaders, type RatePolicy } from '../limits';
import type { GatewayMetrics } from '../metrics';
import { requestClientAddress, type ProxyTrust } from './client-address';
import { HeldAnswers } from './held-answers';
import { presentedKey } from './presented-key';
import type { ThrottledAddresses } from './throttled-addresses';

/** Refusals held at once per replica; past it they are sent at once and close their connection. */
const MAX_HELD_REFUSALS = 10_000;

export interface ThrottleGuardOptions {
  throttled: ThrottledAddresses;
  /** The failed-authentication policy, for the RateLimit headers of the refusal. */
  policy: RatePolicy;
  /** How long a refusal is held before it is sent (ms); 0: at once. */
  delayMs: number;
  trust: ProxyTrust;
  metrics: GatewayMetrics;
}

export class ThrottleGuard {
  private readonly held: HeldAnswers;

  constructor(private readonly options: ThrottleGuardOptions) {
    this.held = new HeldAnswers(options.delayMs, MAX_HELD_REFUSALS);
  }

  /** Refusals waiting to be sent now. */
  heldRefusals(): number {
    return this.held.size;
  }

  /** Answers the request when its address is throttled; false when it goes on to the routes. */
  refused(req: IncomingMessage, res: ServerResponse): boolean {
    if (presentedKey(req.headers) === undefined) return false;
    const { throttled, policy, trust, metrics } = this.options;
    const address = requestClientAddress(req, trust);
    if (throttled.remainingMs(address) === undefined) return false;
    metrics.rateLimited.inc({ policy: 'auth' });
    this.held.hold(res, () => {
      // Retry-After as it stands when the answer leaves, not when it was decided.
      const resetMs = throttled.remainingMs(address) ?? 0;
      sendError(
        res,
        httpErrors.authThrottled(rateLimitHeaders({ policy, remaining: 0, resetMs, limited: true })),
      );
    });
    return true;
  }
}
