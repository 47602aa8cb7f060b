/** The one REST client: per-venue budgets, Retry-After and bans, retries, single-flight, timeouts. */
export { DEFAULT_REST_CLIENT_OPTIONS, RestClient } from './rest-client';
export type { RestAnswer, RestCall, RestClientOptions } from './rest-client';
export { RestClientError, RestClientErrorCode, isVenueHold } from './rest-client-errors';
export type { RestClientErrorDetails } from './rest-client-errors';
export { RestOutcome, createRestClientMetrics } from './rest-client-metrics';
export type { RestClientMetrics } from './rest-client-metrics';
export type {
  RestHeaders,
  RestLearnedLimit,
  RestRefusal,
  RestReportedUsage,
  RestVenue,
  RestWindowLimit,
} from './rest-venue';
export type { VenueStatus, VenueWindowStatus } from './venue-budget';
export { retryAfterMs } from './retry-after';
export { HttpExchangeError, httpExchange, safeUrl } from './http-exchange';
export type { HttpAnswer, HttpExchangeOptions, HttpFailure, HttpRequest } from './http-exchange';
