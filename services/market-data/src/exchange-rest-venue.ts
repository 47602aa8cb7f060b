/**
 * An exchange as the REST client sees it: its budgets (weight per minute from the adapter's
 * `restWeights`, request counts from `limits.restRateLimits`), where it reports and states
 * them, and how it refuses. Built once per exchange, so every component of the process that
 * calls the exchange (REST fallback, symbol catalog) spends from the same budget.
 */
import type { ExchangeAdapter } from '@tickwire/exchanges';
import type { RestVenue, RestWindowLimit } from '@tickwire/service';

/**
 * Share of the exchange's budget this process may spend: the budget is per IP (Binance) or per
 * key (Finnhub), and other software on the host, or this pod's next life, needs room too.
 */
export const REST_BUDGET_SHARE = 0.5;

/**
 * `sampleSymbols`: symbols of this exchange known to exist (the configured ones); the first
 * keeps the limit request small (Binance's exchangeInfo for one symbol instead of thousands).
 */
export function exchangeRestVenue(
  adapter: ExchangeAdapter,
  restBaseUrl: string,
  sampleSymbols: readonly string[] = [],
): RestVenue {
  const weights = adapter.restWeights;
  const limits: RestWindowLimit[] = (adapter.limits.restRateLimits ?? []).map((limit) => ({
    maxWeight: limit.maxRequests,
    windowMs: limit.windowMs,
    alignment: 'rolling',
  }));
  // The exchange's weight counter restarts with every window, as its headers report it.
  if (weights)
    limits.push({ maxWeight: weights.limitPerWindow, windowMs: weights.windowMs, alignment: 'fixed' });
  return {
    name: adapter.id,
    limits,
    share: REST_BUDGET_SHARE,
    ...(weights && {
      usage: (headers) => {
        const used = weights.usedWeight(headers);
        return used === undefined ? [] : [{ windowMs: weights.windowMs, used }];
      },
      limitSource: {
        url: weights.limitUrl(restBaseUrl, sampleSymbols.slice(0, 1)),
        weight: weights.limitWeight,
        // Any query of the same endpoint states the limits (the symbol list's exchangeInfo too).
        states: (url) => pathOf(url) === pathOf(weights.limitUrl(restBaseUrl, [])),
        parse: (bodyText) => {
          const maxWeight = weights.parseLimit(JSON.parse(bodyText));
          return maxWeight === undefined ? undefined : [{ windowMs: weights.windowMs, maxWeight }];
        },
      },
    }),
    refusal: (status, headers, nowMs) => {
      const waitMs = adapter.restRetryDelayMs?.(status, headers, nowMs);
      return waitMs === undefined ? undefined : { waitMs, ban: status === adapter.restBanStatus };
    },
  };
}

function pathOf(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
