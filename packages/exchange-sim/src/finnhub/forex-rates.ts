/**
 * `GET /api/v1/forex/rates?base=EUR` (exchanges.md 6.5), a premium endpoint: "Get rates for all
 * forex pairs". With `candles: 'refused'` (the free plan, the default) it is answered like every
 * premium endpoint, HTTP 403 `{"error":"You don't have access to this resource."}`. With
 * `'served'`: `{"base":"EUR","quote":{"EUR":1,"USD":1.08421}}`, the base itself at 1 and the last
 * price of every simulated pair quoted against the base (`OANDA:EUR_USD` gives `USD`), JSON
 * numbers; `base` defaults to EUR, as documented. Pairs quoted the other way round are left out
 * (inverting them would round).
 * Docs: https://finnhub.io/docs/api/forex-rates
 */
import type { FinnhubCandleAccess } from './candles';
import { FinnhubCandleBodies } from './candles';
import type { FinnhubMarket } from './feed';
import { jsonNumber } from './payloads';

/** "Default to EUR". */
const DEFAULT_BASE = 'EUR';
const CURRENCY_RE = /^[A-Z]{3}$/u;

export const FinnhubRatesBodies = {
  badBase: '{"error":"Invalid base currency"}',
} as const;

export function finnhubForexRatesAnswer(
  access: FinnhubCandleAccess,
  markets: ReadonlyMap<string, FinnhubMarket>,
  url: URL,
  now: number,
): { status: 200 | 400 | 403; body: string } {
  if (access === 'refused') return { status: 403, body: FinnhubCandleBodies.noAccess };
  const base = (url.searchParams.get('base') ?? DEFAULT_BASE).toUpperCase();
  if (!CURRENCY_RE.test(base)) return { status: 400, body: FinnhubRatesBodies.badBase };
  const quotes = new Map<string, string>([[base, '1']]);
  for (const { instrument, market } of markets.values()) {
    if (instrument.kind !== 'forex' || instrument.spec.baseAsset !== base) continue;
    const snapshot = market.snapshot(now);
    quotes.set(instrument.spec.quoteAsset, jsonNumber(BigInt(snapshot.lastTicks) * snapshot.spec.tickUnits));
  }
  const entries = [...quotes]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, rate]) => `"${currency}":${rate}`);
  return { status: 200, body: `{"base":"${base}","quote":{${entries.join(',')}}}` };
}
