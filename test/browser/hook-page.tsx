// The page of the hooks' browser test: fifty components on the hooks (the README's example
// components among them), optionally under StrictMode, and controls the test calls through
// `window.hookPage`. The pod's URL and the options come in the query string.
import { StrictMode, useEffect, useRef } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { sharedPriceStreams, usePrice, usePriceStream, type PriceState } from '@tickwire/client/react';
import { PriceBoard } from '../../packages/client/examples/price-board';

const params = new URLSearchParams(location.search);
const baseUrl = params.get('pod') ?? '';
const strict = params.get('strict') === '1';
const COMPONENTS = 50;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

/**
 * Per ticker, the commits that showed nothing new (same price, staleness and status as its last
 * commit): a tick of another symbol, or an unchanged snapshot, must not re-render a component.
 */
const idleCommits: Record<string, number> = {};

function CountedTicker({ id, symbol }: { id: string; symbol: string }) {
  const state = usePrice(symbol, { baseUrl });
  const shown = useRef<PriceState | undefined>(undefined);
  useEffect(() => {
    const last = shown.current;
    // Prices keep their identity while unchanged: the same object is nothing new.
    if (last?.price === state.price && last?.stale === state.stale && last?.status === state.status)
      idleCommits[id] = (idleCommits[id] ?? 0) + 1;
    shown.current = state;
  });
  return <span className={state.stale ? 'stale' : 'live'}>{state.price?.last ?? '…'}</span>;
}

function StatusLine() {
  const { status } = usePriceStream(SYMBOLS, { baseUrl });
  return <p id="status">{status}</p>;
}

function App() {
  const children = [<StatusLine key="status" />];
  // 1 status line, 9 boards of both symbols, 40 tickers of one: 50 components on the hooks.
  for (let i = 0; i < 9; i += 1)
    children.push(<PriceBoard key={`board-${i}`} baseUrl={baseUrl} symbols={SYMBOLS} />);
  for (let i = 0; i < COMPONENTS - 10; i += 1) {
    const symbol = SYMBOLS[i % SYMBOLS.length]!;
    children.push(
      <div key={`ticker-${i}`} className="ticker" data-symbol={symbol}>
        <CountedTicker id={`${symbol}-${i}`} symbol={symbol} />
      </div>,
    );
  }
  return <>{children}</>;
}

let root: Root | undefined;

const hookPage = {
  mount(): void {
    root = createRoot(document.getElementById('root')!);
    root.render(
      strict ? (
        <StrictMode>
          <App />
        </StrictMode>
      ) : (
        <App />
      ),
    );
  },
  unmount(): void {
    root?.unmount();
    root = undefined;
  },
  /** Shared streams still open (held or lingering). */
  openStreams: (): number => sharedPriceStreams.size,
  idleCommits: (): number => Object.values(idleCommits).reduce((sum, count) => sum + count, 0),
};

declare global {
  interface Window {
    hookPage: typeof hookPage;
  }
}
window.hookPage = hookPage;
hookPage.mount();
