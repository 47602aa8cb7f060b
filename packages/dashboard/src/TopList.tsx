import { memo } from 'react';
import type { MarketEntry, Price, TickwireClient } from '@tickwire/client';
import { formatChange, formatPrice, formatVolume } from './format';
import { Sparkline } from './Sparkline';

/**
 * The top list: every symbol by 24 h quote volume, largest first, each marked live or stale and
 * named as `/v1/markets` names it. Prices and volumes are the stream's; a symbol the stream has
 * no volume for yet is placed by its market entry's.
 */
export function TopList({
  symbols,
  prices,
  markets,
  client,
}: {
  symbols: readonly string[];
  prices: Readonly<Record<string, Price>>;
  /** `/v1/markets` by symbol; empty before its first answer (rows then show the symbol alone). */
  markets: ReadonlyMap<string, MarketEntry>;
  client: TickwireClient;
}) {
  const volume = (symbol: string) =>
    volumeOf(prices[symbol]?.quoteVolume ?? markets.get(symbol)?.quoteVolume ?? undefined);
  const rows = [...symbols].sort((a, b) => volume(b) - volume(a) || (a < b ? -1 : 1));
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
          <Row
            key={symbol}
            symbol={symbol}
            name={markets.get(symbol)?.name ?? undefined}
            price={prices[symbol]}
            client={client}
          />
        ))}
      </tbody>
    </table>
  );
}

/** One symbol; re-rendered only when its price changes. */
const Row = memo(function Row({
  symbol,
  name,
  price,
  client,
}: {
  symbol: string;
  /** The market's display name; undefined while unknown. */
  name: string | undefined;
  price: Price | undefined;
  client: TickwireClient;
}) {
  // No price, or a stale one, is never shown as live.
  const live = price !== undefined && !price.stale;
  const change = Number(price?.changePct);
  return (
    <tr className={live ? 'live' : 'stale'} data-symbol={symbol}>
      <th scope="row">
        <span className="name">{name ?? symbol}</span>
        {name !== undefined && name !== symbol && <span className="symbol">{symbol}</span>}
      </th>
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

function volumeOf(quoteVolume: string | undefined): number {
  const volume = Number(quoteVolume);
  return Number.isFinite(volume) ? volume : -1;
}
