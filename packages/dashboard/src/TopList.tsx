import { memo } from 'react';
import type { Price, TickwireClient } from '@tickwire/client';
import { formatChange, formatPrice, formatVolume } from './format';
import { Sparkline } from './Sparkline';

/** The top list: every symbol by quote volume, largest first, each marked live or stale. */
export function TopList({
  symbols,
  prices,
  client,
}: {
  symbols: readonly string[];
  prices: Readonly<Record<string, Price>>;
  client: TickwireClient;
}) {
  const rows = [...symbols].sort((a, b) => volumeOf(prices[b]) - volumeOf(prices[a]) || (a < b ? -1 : 1));
  return (
    <table className="top-list">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col" className="num">
            Price
          </th>
          <th scope="col" className="num">
            24h
          </th>
          <th scope="col" className="num volume">
            Volume
          </th>
          <th scope="col" className="chart">
            Last day
          </th>
          <th scope="col">Feed</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((symbol) => (
          <Row key={symbol} symbol={symbol} price={prices[symbol]} client={client} />
        ))}
      </tbody>
    </table>
  );
}

/** One symbol; re-rendered only when its price changes. */
const Row = memo(function Row({
  symbol,
  price,
  client,
}: {
  symbol: string;
  price: Price | undefined;
  client: TickwireClient;
}) {
  // No price, or a stale one, is never shown as live.
  const live = price !== undefined && !price.stale;
  const change = Number(price?.changePct);
  return (
    <tr className={live ? 'live' : 'stale'} data-symbol={symbol}>
      <th scope="row">{symbol}</th>
      <td className="num price">{formatPrice(price?.last)}</td>
      <td className={`num change ${change > 0 ? 'up' : change < 0 ? 'down' : ''}`}>
        {formatChange(price?.changePct)}
      </td>
      <td className="num volume" title={price?.quoteVolume}>
        {formatVolume(price?.quoteVolume)}
      </td>
      <td className="chart">
        <Sparkline client={client} symbol={symbol} />
      </td>
      <td>
        <span className={`mark ${live ? 'live' : 'stale'}`}>{live ? 'live' : 'stale'}</span>
      </td>
    </tr>
  );
});

function volumeOf(price: Price | undefined): number {
  const volume = Number(price?.quoteVolume);
  return Number.isFinite(volume) ? volume : -1;
}
