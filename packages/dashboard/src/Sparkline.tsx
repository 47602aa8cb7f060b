import { useEffect, useMemo, useState } from 'react';
import type { CandleHistory, TickwireClient } from '@tickwire/client';
import { usePolling } from './use-polling';

/** The sparkline's span: the last 24 hourly candles. */
const INTERVAL = '1h';
const CANDLES = 24;
/** Hourly candles change slowly: read them again every minute (ms). */
const REFRESH_MS = 60_000;
/** While the pods still fetch the history from the exchange (`backfill: pending`), sooner (ms). */
const PENDING_REFRESH_MS = 3_000;
const WIDTH = 96;
const HEIGHT = 24;

/** The closes of `symbol`'s last day as a line, green when up, red when down. */
export function Sparkline({ client, symbol }: { client: TickwireClient; symbol: string }) {
  const [pending, setPending] = useState(true);
  const history = usePolling<CandleHistory>(
    () => client.candles(symbol, { interval: INTERVAL, limit: CANDLES }),
    pending ? PENDING_REFRESH_MS : REFRESH_MS,
    `candles:${symbol}`,
  );
  const backfill = history.data?.backfill;
  useEffect(() => {
    if (backfill !== undefined) setPending(backfill === 'pending');
  }, [backfill]);
  const candles = history.data?.candles;
  const line = useMemo(() => {
    const closes = (candles ?? []).map((candle) => Number(candle.close)).filter(Number.isFinite);
    if (closes.length < 2) return undefined;
    const low = Math.min(...closes);
    const span = Math.max(...closes) - low || 1;
    const points = closes
      .map((close, i) => {
        const x = (i / (closes.length - 1)) * WIDTH;
        const y = HEIGHT - 1 - ((close - low) / span) * (HEIGHT - 2);
        return `${x.toFixed(1)},${y.toFixed(1)}`;
      })
      .join(' ');
    return { points, up: closes[closes.length - 1]! >= closes[0]! };
  }, [candles]);
  if (line === undefined)
    return <svg className="sparkline empty" width={WIDTH} height={HEIGHT} aria-hidden="true" />;
  return (
    <svg
      className={`sparkline ${line.up ? 'up' : 'down'}`}
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${symbol}, last 24 hours`}
    >
      <polyline points={line.points} fill="none" strokeWidth="1.5" />
    </svg>
  );
}
