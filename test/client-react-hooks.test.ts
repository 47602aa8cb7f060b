/**
 * The React hooks in a real browser (Debian's Chromium) against a real pod on the simulator:
 * fifty components on `usePriceStream`/`usePrice` (the README's example components among them)
 * open exactly one stream, counted by the pod, with and without StrictMode's double mount; their
 * prices render; unmounting them all closes the stream.
 */
import { resolve } from 'node:path';
import {
  launchChromium,
  type Browser,
  type Page,
  parsePrometheusText,
  sampleValue,
  startExchangeSim,
  waitFor,
  type ExchangeSim,
  type PodProcess,
} from '@tickwire/testkit';
import { servePage, type PageServer } from './support/browser-page-server';
import { requestsServed, startPricedPod } from './support/priced-pod';

jest.setTimeout(90_000);

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
const TICKERS = 40;

describe('the React hooks in a browser', () => {
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;
  let pageServer: PageServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    pageServer = await servePage(resolve(__dirname, 'browser/hook-page.tsx'));
    sim = await startExchangeSim({ seed: 17, tradesPerSecond: 10, tickerIntervalMs: 250 });
    // The page is on another origin than the pod: the pod lets it read (CORS).
    pod = await startPricedPod(sim, SYMBOLS, { CORS_ORIGINS: pageServer.origin });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await pod?.stop();
    await sim?.stop();
    await pageServer?.stop();
  });

  const openStreams = async () =>
    sampleValue(
      parsePrometheusText(await (await fetch(`${pod!.url}/metrics`)).text()),
      'tickwire_sse_clients',
      {},
    );

  async function pricesRender(page: Page): Promise<void> {
    await waitFor(
      async () => {
        const texts = await page.locator('.ticker span.live').allTextContents();
        const boards = await page.locator('table tr.live td').allTextContents();
        return (
          texts.length === TICKERS &&
          texts.every((text) => /^\d+\.\d+$/.test(text)) &&
          boards.length === 9 * SYMBOLS.length &&
          (await page.textContent('#status')) === 'live'
        );
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'live prices in all fifty components' },
    );
  }

  for (const strict of [false, true]) {
    it(`opens one stream for fifty components${strict ? ' under StrictMode' : ''}, and closes it when they unmount`, async () => {
      await waitFor(async () => (await openStreams()) === 0, { timeoutMs: 5_000, what: 'no open stream' });
      const streamsBefore = await requestsServed(pod!, '/v1/stream', 200);
      const page = await browser!.newPage();
      try {
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`${pageServer!.url}?pod=${encodeURIComponent(pod!.url)}&strict=${strict ? 1 : 0}`, {
          timeout: 10_000,
        });
        await pricesRender(page);
        expect(await openStreams()).toBe(1);
        expect(await page.evaluate<number>('window.hookPage.openStreams()')).toBe(1);
        expect((await requestsServed(pod!, '/v1/stream', 200)) - streamsBefore).toBe(1);

        // The prices move: one ticker's text changes while the stream stays the same one.
        const first = await page.locator('.ticker[data-symbol="BTCUSDT"] span').first().textContent();
        await waitFor(
          async () =>
            (await page.locator('.ticker[data-symbol="BTCUSDT"] span').first().textContent()) !== first,
          { timeoutMs: 10_000, intervalMs: 100, what: 'a new BTCUSDT price' },
        );

        // No re-render storm: a component commits only when its own price or status changed (StrictMode
        // runs each mount effect twice, which shows the same state once more).
        expect(await page.evaluate<number>('window.hookPage.idleCommits()')).toBe(strict ? TICKERS : 0);

        await page.evaluate('window.hookPage.unmount()');
        await waitFor(async () => (await openStreams()) === 0, {
          timeoutMs: 5_000,
          what: 'the stream to close after the last component unmounted',
        });
        expect((await requestsServed(pod!, '/v1/stream', 200)) - streamsBefore).toBe(1);
        // Nothing left behind in the page either: the shared stream is closed after its linger.
        await waitFor(async () => (await page.evaluate<number>('window.hookPage.openStreams()')) === 0, {
          timeoutMs: 5_000,
          what: 'the page to close its shared stream',
        });
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
