/**
 * The market-data routes the gateway serves, grouped as the operator names them in
 * `ANONYMOUS_READ`: each group may be opened to callers without a key, nothing else may
 * (`streams`: stream tokens, limited per IP by ANONYMOUS_MAX_STREAMS).
 */
export const ANONYMOUS_ROUTE_GROUPS = ['prices', 'candles', 'status', 'streams'] as const;

export type AnonymousRouteGroup = (typeof ANONYMOUS_ROUTE_GROUPS)[number];
