// A React price board: every PriceBoard on a page, and every other component that uses the hooks
// with the same options, shares one connection. Needs react 18 or 19 and a bundler.
import { usePrice, usePriceStream } from '@tickwire/client/react';

export function PriceBoard({ baseUrl, symbols }: { baseUrl: string; symbols: string[] }) {
  // Options are compared by value: a new object on each render is the same connection.
  const { prices, status, isPriceStale } = usePriceStream(symbols, { baseUrl });
  return (
    <table>
      <caption>{status}</caption>
      <tbody>
        {symbols.map((symbol) => (
          // Never show a stale price as live: none for 30 s, or the pod says its prices are stale.
          <tr key={symbol} className={isPriceStale(symbol) ? 'stale' : 'live'}>
            <th>{symbol}</th>
            <td>{prices[symbol]?.last ?? '…'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Ticker({ baseUrl, symbol }: { baseUrl: string; symbol: string }) {
  const { price, stale } = usePrice(symbol, { baseUrl });
  return <span className={stale ? 'stale' : 'live'}>{price?.last ?? '…'}</span>;
}
