/** The filters of both signal routes, `strategy=` (a strategy id) and `symbol=` (made canonical). */
import type { ExchangeId } from '@tickwire/core';
import { recordId } from '../store';
import { httpErrors } from './api-errors';
import { textParam } from './request-input';
import { canonicalSymbols } from './symbol-input';

export const SIGNAL_FILTER_PARAMS = ['strategy', 'symbol'] as const;

export function readSignalFilters(
  query: Record<string, unknown>,
  defaultExchange: ExchangeId,
): { strategyId?: string; symbol?: string } {
  const strategyId = textParam(query, 'strategy');
  if (strategyId !== undefined && !recordId.safeParse(strategyId).success)
    throw httpErrors.badRequest('strategy must be a strategy id');
  const symbol = textParam(query, 'symbol');
  return {
    ...(strategyId === undefined ? {} : { strategyId }),
    ...(symbol === undefined ? {} : { symbol: canonicalSymbols([symbol], defaultExchange)[0]! }),
  };
}
