/**
 * `GET /v1/marketstatus/now`: `{"market":"open"|"closed"|"extended-hours",...}`, to tell a
 * closed market (an open, silent socket overnight, at weekends and holidays) from a dead feed.
 * Docs: exchanges.md Part B 5.11. The spec lists no enum: any other value is reported as is.
 */
import { readString } from '../payload-fields';
import { PayloadError } from '../payload-fields';
import { MassiveErrorCode, MassiveRestError } from './errors';
import { readMassiveBody } from './rest-body';

/** Market states in which trades can print (pre-market and after-hours count as extended-hours). */
const TRADING_STATES: ReadonlySet<string> = new Set(['open', 'extended-hours']);

export interface MassiveMarketStatus {
  /** The overall `market` value, verbatim. */
  state: string;
  /** False when no trade can print: silence is then the market, not the feed. */
  trading: boolean;
}

export function parseMassiveMarketStatusText(bodyText: string): MassiveMarketStatus {
  const body = readMassiveBody(bodyText, 'market status');
  try {
    const market = readString(body, 'market', 'market status');
    return { state: market, trading: TRADING_STATES.has(market) };
  } catch (error) {
    if (error instanceof PayloadError)
      throw new MassiveRestError(MassiveErrorCode.MalformedRestBody, `Massive ${error.message}`);
    throw error;
  }
}
