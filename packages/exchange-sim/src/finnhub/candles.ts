/**
 * `GET /api/v1/<stock|crypto|forex>/candle?symbol=&resolution=&from=&to=` (exchanges.md 6.6),
 * a premium endpoint. With `candles: 'refused'` (the free plan, the default) every call is
 * answered HTTP 403 `{"error":"You don't have access to this resource."}`. With `'served'` the
 * candles are rebuilt from the symbol's minute buckets (its 24 h window): `{c,h,l,o,s,t,v}`, the
 * arrays oldest first, JSON numbers, `t` the candle start in UNIX seconds; `no_data` when the
 * range holds none, or the symbol is not one of this market. FX volumes are update counts (the
 * doc's example shows whole numbers). Only minute resolutions are simulated; `D`, `W` and `M`,
 * and a missing or malformed parameter, are refused with 400 in the simulator's own words.
 * Docs: https://finnhub.io/docs/api/forex-candles
 */
import { candlesFromBuckets, type BucketCandle } from '../bucket-candles';
import type { FinnhubMarket } from './feed';
import type { FinnhubInstrumentKind } from './instruments';
import { jsonNumber } from './payloads';

/** Whether the plan includes candles: the free plan does not. */
export type FinnhubCandleAccess = 'refused' | 'served';
export const FINNHUB_CANDLE_ACCESS_MODES: readonly FinnhubCandleAccess[] = ['refused', 'served'];

export const FinnhubCandleBodies = {
  noAccess: `{"error":"You don't have access to this resource."}`,
  noData: '{"c":null,"h":null,"l":null,"o":null,"s":"no_data","t":null,"v":null}',
  badResolution: '{"error":"Unsupported resolution"}',
  badRange: '{"error":"from and to must be UNIX seconds, from not after to"}',
} as const;

/** The candle paths, by the market each serves. */
export const FINNHUB_CANDLE_ROUTES: Readonly<Record<string, FinnhubInstrumentKind>> = {
  '/api/v1/stock/candle': 'stock',
  '/api/v1/crypto/candle': 'crypto',
  '/api/v1/forex/candle': 'forex',
};

const MINUTE_RESOLUTIONS: readonly string[] = ['1', '5', '15', '30', '60'];

export interface FinnhubCandlesAnswer {
  status: 200 | 400 | 403;
  body: string;
}

function body(market: FinnhubMarket, candles: readonly BucketCandle[]): string {
  const { instrument } = market;
  const price = (ticks: number) => jsonNumber(BigInt(ticks) * instrument.spec.tickUnits);
  const column = (value: (candle: BucketCandle) => string) => `[${candles.map(value).join(',')}]`;
  return (
    `{"c":${column((c) => price(c.closeTicks))},"h":${column((c) => price(c.highTicks))},` +
    `"l":${column((c) => price(c.lowTicks))},"o":${column((c) => price(c.openTicks))},"s":"ok",` +
    `"t":${column((c) => String(c.openTime / 1_000))},` +
    `"v":${column((c) => (instrument.kind === 'forex' ? String(c.count) : jsonNumber(c.volume)))}}`
  );
}

/** The answer to one candle request of `kind`'s path. */
export function finnhubCandlesAnswer(
  access: FinnhubCandleAccess,
  kind: FinnhubInstrumentKind,
  markets: ReadonlyMap<string, FinnhubMarket>,
  url: URL,
): FinnhubCandlesAnswer {
  if (access === 'refused') return { status: 403, body: FinnhubCandleBodies.noAccess };
  const resolution = url.searchParams.get('resolution') ?? '';
  if (!MINUTE_RESOLUTIONS.includes(resolution))
    return { status: 400, body: FinnhubCandleBodies.badResolution };
  const from = url.searchParams.get('from') ?? '';
  const to = url.searchParams.get('to') ?? '';
  if (!/^\d{1,12}$/.test(from) || !/^\d{1,12}$/.test(to) || Number(from) > Number(to))
    return { status: 400, body: FinnhubCandleBodies.badRange };
  const market = markets.get(url.searchParams.get('symbol') ?? '');
  if (!market || market.instrument.kind !== kind) return { status: 200, body: FinnhubCandleBodies.noData };
  const lengthMs = Number(resolution) * 60_000;
  const candles = candlesFromBuckets(market.market.bucketsFrom(0), (time) => {
    const openTime = time - (time % lengthMs);
    return { openTime, closeTime: openTime + lengthMs - 1 };
  }).filter((candle) => candle.openTime >= Number(from) * 1_000 && candle.openTime <= Number(to) * 1_000);
  return { status: 200, body: candles.length === 0 ? FinnhubCandleBodies.noData : body(market, candles) };
}
