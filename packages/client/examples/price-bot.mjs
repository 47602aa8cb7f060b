// A bot's price feed. Run a pod first (`pnpm start`, or `pnpm start:offline` without internet),
// then, after `pnpm build`: node packages/client/examples/price-bot.mjs
import { PriceStream } from '@tickwire/client';

const stream = new PriceStream({
  baseUrl: process.env.TICKWIRE_URL ?? 'http://localhost:8080',
  symbols: ['BTCUSDT', 'ETHUSDT'],
});

stream.on('status', (status) => console.log(`stream ${status}`));
stream.on('error', (error) => console.log(`stream error ${error.code}: ${error.message}`));
stream.on('tick', ({ ticker }) => {
  // Never act on a stale price: none for 30 s, or the pod says its prices are stale.
  if (stream.isPriceStale(ticker.symbol)) return;
  console.log(`${ticker.symbol} ${ticker.last}`);
});

// Ctrl-C: close the stream; with nothing left to wait for, node exits.
process.once('SIGINT', () => stream.close());
