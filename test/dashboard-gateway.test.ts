/**
 * The web dashboard through the gateway, in Chromium: the page's files come without a key, its
 * API calls go through the gateway's routes (opened to anonymous callers here), and, as the
 * gateway has no stream route, it polls prices: live, then stale with trading disabled while the
 * simulator's feed stalls, then live again.
 */
import { randomUUID } from 'node:crypto';
import {
  launchChromium,
  startExchangeSim,
  startGatewayProcess,
  startTestRedis,
  waitFor,
  type Browser,
  type ExchangeSim,
  type Page,
  type PodProcess,
  type TestRedis,
} from '@tickwire/testkit';
import { startPricedPod } from './support/priced-pod';

jest.setTimeout(120_000);

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
const POD_STALE_AFTER_MS = 3_000;

describe('the dashboard through the gateway', () => {
  let redis: TestRedis | undefined;
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;
  let gateway: PodProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    [redis, sim] = await Promise.all([
      startTestRedis(),
      startExchangeSim({ seed: 29, tradesPerSecond: 10, tickerIntervalMs: 250 }),
    ]);
    pod = await startPricedPod(sim, SYMBOLS, { STALE_AFTER_MS: String(POD_STALE_AFTER_MS) });
    gateway = await startGatewayProcess({
      REDIS_URL: redis.url,
      GATEWAY_NAMESPACE: `dg${randomUUID().slice(0, 8)}`,
      MARKET_DATA_URLS: pod.url,
      POD_HEALTH_INTERVAL_MS: '500',
      ANONYMOUS_READ: 'prices,candles,status',
      ANONYMOUS_RATE_LIMIT: '10000',
    });
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await pod?.stop();
    await sim?.stop();
    await redis?.stop();
  });

  const text = async (selector: string) => (await page!.textContent(selector, { timeout: 1_000 }))?.trim();

  async function feedIs(status: string, trading: 'enabled' | 'disabled', timeoutMs: number): Promise<void> {
    await waitFor(
      async () =>
        (await text('#feed-status')) === status &&
        (await page!.getAttribute('#trading', 'data-state', { timeout: 1_000 })) === trading,
      { timeoutMs, intervalMs: 100, what: `the feed ${status}, trading ${trading}` },
    );
  }

  it('polls prices through the gateway: live, stale with trading disabled while the feed stalls, live again', async () => {
    await waitFor(async () => (await fetch(`${gateway!.url}/v1/status`)).ok, {
      timeoutMs: 10_000,
      what: 'the gateway routing to the pod',
    });
    await page!.goto(`${gateway!.url}/`, { timeout: 10_000 });
    await feedIs('live', 'enabled', 15_000);
    const first = await text('tr[data-symbol="BTCUSDT"] .price');
    expect(first).toMatch(/^\d+\.\d+$/);
    await waitFor(async () => (await text('tr[data-symbol="BTCUSDT"] .price')) !== first, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'a new BTCUSDT price, polled',
    });

    sim!.faults.stall(0);
    await feedIs('stale', 'disabled', POD_STALE_AFTER_MS + 10_000);
    expect(await text('#feed-banner')).toMatch(/stale.*polling/is);

    sim!.faults.resume();
    await feedIs('live', 'enabled', 15_000);
  });
});
