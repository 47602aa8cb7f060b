/**
 * Binance REST request weights and the headers that report them, so the REST fallback can
 * stay inside the IP's budget. Docs: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits
 * Weights as of the 2023-08-25 doubling (REQUEST_WEIGHT 6000 per minute); read the live limit
 * from exchangeInfo `rateLimits` when possible.
 */
import type { RestResponseHeaders } from '../exchange-adapter';
import { parseExchangeInfo } from './exchange-info';

/** REQUEST_WEIGHT per minute when exchangeInfo could not be read. */
export const BINANCE_DEFAULT_REQUEST_WEIGHT_PER_MINUTE = 6_000;

/** The status of an IP ban ("418 I'm a teapot"), sent to an IP that kept asking after its 429s. */
export const BINANCE_IP_BAN_STATUS = 418;

/** Weight of `GET /api/v3/exchangeInfo`, whatever its parameters. */
export const BINANCE_EXCHANGE_INFO_WEIGHT = 20;

/** Weight of `GET /api/v3/ticker/24hr` with `symbols=[...]` of this many symbols. */
export function binanceTicker24hrWeight(symbolCount: number): number {
  if (symbolCount <= 20) return 2;
  if (symbolCount <= 100) return 40;
  return 80;
}

function header(headers: RestResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
}

/** `x-mbx-used-weight-1m`: weight this IP used in the current minute; undefined when absent. */
export function binanceUsedWeight1m(headers: RestResponseHeaders): number | undefined {
  const raw = header(headers, 'x-mbx-used-weight-1m') ?? header(headers, 'x-mbx-used-weight');
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Wait after a 429 (rate limited) or 418 (IP banned): `Retry-After` seconds, honoured to the
 * second (for 418 it is the time until the ban lifts). Undefined for other statuses.
 */
export function binanceRetryDelayMs(status: number, headers: RestResponseHeaders): number | undefined {
  if (status !== 429 && status !== BINANCE_IP_BAN_STATUS) return undefined;
  const seconds = Number(header(headers, 'retry-after'));
  // Without the header, wait a full weight window: a guess would risk a longer ban.
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1_000 : 60_000;
}

/** REQUEST_WEIGHT per minute from an exchangeInfo body; undefined when absent or unreadable. */
export function binanceWeightLimitPerMinute(body: unknown): number | undefined {
  try {
    const limit = parseExchangeInfo(body).rateLimits.find(
      (rate) =>
        rate.rateLimitType === 'REQUEST_WEIGHT' && rate.interval === 'MINUTE' && rate.intervalNum === 1,
    );
    return limit?.limit;
  } catch {
    return undefined;
  }
}
