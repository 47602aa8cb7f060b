// The page of the hooks' browser test: fifty components on the hooks (the README's example
// components among them), optionally under StrictMode, and controls the test calls through
// `window.hookPage`. The pod's URL and the options come in the query string.
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { usePriceStream } from '@tickwire/client/react';
import { PriceBoard, Ticker } from '../../packages/client/examples/price-board';

const params = new URLSearchParams(location.search);
const baseUrl = params.get('pod') ?? '';
const strict = params.get('strict') === '1';
const COMPONENTS = 50;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

/** Renders of each component, by index: a tick of one symbol must not re-render the others' readers. */
const renders: Record<string, number> = {};

function CountedTicker({ id, symbol }: { id: string; symbol: string }) {
  renders[id] = (renders[id] ?? 0) + 1;
  return <Ticker baseUrl={baseUrl} symbol={symbol} />;
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
  renders: (): Record<string, number> => ({ ...renders }),
};

declare global {
  interface Window {
    hookPage: typeof hookPage;
  }
}
window.hookPage = hookPage;
hookPage.mount();
