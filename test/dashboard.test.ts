/**
 * The web dashboard in a real browser (Debian's Chromium), served by a real pod (a child
 * process) on the simulator: live prices that change, names from /v1/markets, sparklines from
 * the candles, the cluster view; the stale banner and "trading disabled" when the exchange feed
 * stalls, and when the pod is killed; live again after each. Screenshots (desktop and phone) go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  freePort,
  launchChromium,
  startExchangeSim,
  waitFor,
  type Browser,
  type ExchangeSim,
  type Page,
  type PodProcess,
} from '@tickwire/testkit';
import { startPricedPod } from './support/priced-pod';

jest.setTimeout(120_000);

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
/** The pod serves prices stale this long after its last batch (ms). */
const POD_STALE_AFTER_MS = 3_000;
const ARTIFACTS = resolve(__dirname, '../test-artifacts');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe('the dashboard', () => {
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];

  const podEnv = { STALE_AFTER_MS: String(POD_STALE_AFTER_MS), SSE_HEARTBEAT_MS: '1000' };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sim = await startExchangeSim({ seed: 23, tradesPerSecond: 10, tickerIntervalMs: 250 });
    // A port below the range the OS picks from: the pod comes back on it after it is killed, and
    // an OS-picked port, once freed, may become the local port of any outgoing connection meanwhile.
    pod = await startPricedPod(sim, SYMBOLS, { ...podEnv, PORT: String(await freePort()) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: DESKTOP });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await pod?.stop();
    await sim?.stop();
  });

  const text = async (selector: string) => (await page!.textContent(selector, { timeout: 1_000 }))?.trim();
  const rowPrice = (symbol: string) => text(`tr[data-symbol="${symbol}"] .price`);

  async function feedIs(status: string, trading: 'enabled' | 'disabled', timeoutMs: number): Promise<void> {
    await waitFor(
      async () =>
        (await text('#feed-status')) === status &&
        (await page!.getAttribute('#trading', 'data-state', { timeout: 1_000 })) === trading,
      { timeoutMs, intervalMs: 100, what: `the feed ${status}, trading ${trading}` },
    );
  }

  async function allRows(state: 'live' | 'stale', timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        const classes = await page!.evaluate<string[]>(
          "[...document.querySelectorAll('tbody tr[data-symbol]')].map((row) => row.className)",
        );
        return classes.length === SYMBOLS.length && classes.every((name) => name === state);
      },
      { timeoutMs, intervalMs: 100, what: `every row ${state}` },
    );
  }

  async function screenshots(name: string): Promise<void> {
    await page!.screenshot({ path: `${ARTIFACTS}/dashboard-${name}-desktop.png`, fullPage: true });
    await page!.setViewportSize(PHONE);
    // Readable on a phone: nothing wider than the screen.
    expect(await page!.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page!.screenshot({ path: `${ARTIFACTS}/dashboard-${name}-phone.png`, fullPage: true });
    await page!.setViewportSize(DESKTOP);
  }

  it('shows live prices that change, sparklines and the cluster, with trading enabled', async () => {
    await page!.goto(`${pod!.url}/`, { timeout: 10_000 });
    await feedIs('live', 'enabled', 15_000);
    await allRows('live', 10_000);
    expect(await page!.locator('#feed-banner').count()).toBe(0);

    const first = await rowPrice('BTCUSDT');
    expect(first).toMatch(/^\d+\.\d+$/);
    await waitFor(async () => (await rowPrice('BTCUSDT')) !== first, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'a new BTCUSDT price on the page',
    });
    expect(await text('tr[data-symbol="ETHUSDT"] .volume')).toMatch(/^\d+(\.\d)?[KMBT]?$/);

    // Each row is named as /v1/markets names it (the venue's catalog), its symbol below.
    await waitFor(async () => (await text('tr[data-symbol="ETHUSDT"] th .name')) === 'ETH/USDT', {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: "ETHUSDT's display name from /v1/markets",
    });
    expect(await text('tr[data-symbol="ETHUSDT"] th .symbol')).toBe('ETHUSDT');

    // Sparklines from /v1/candles (the simulator's history, fetched by the pod on first request).
    await waitFor(async () => (await page!.locator('svg.sparkline polyline').count()) === SYMBOLS.length, {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: 'a sparkline in every row',
    });

    const status = (await (await fetch(`${pod!.url}/v1/status`)).json()) as {
      instanceId: string;
      epoch: number;
    };
    expect(await text('#leader')).toBe(status.instanceId);
    expect(await text('#epoch')).toBe(String(status.epoch));
    await screenshots('live');
  });

  it('says stale and disables trading while the exchange feed stalls, and recovers when it resumes', async () => {
    sim!.faults.stall(0);
    await feedIs('stale', 'disabled', POD_STALE_AFTER_MS + 10_000);
    expect(await text('#feed-banner')).toMatch(/stale/i);
    await allRows('stale', 5_000);
    await screenshots('stale');

    sim!.faults.resume();
    await feedIs('live', 'enabled', 15_000);
    await allRows('live', 10_000);
    expect(await page!.locator('#feed-banner').count()).toBe(0);
  });

  it('says disconnected and disables trading while the pod is gone, and recovers when it is back', async () => {
    const { port } = pod!;
    await pod!.stop(); // SIGKILL: the stream's connection is cut with no goodbye
    pod = undefined;
    await waitFor(
      async () =>
        ['disconnected', 'connecting'].includes((await text('#feed-status')) ?? '') &&
        (await page!.getAttribute('#trading', 'data-state', { timeout: 1_000 })) === 'disabled',
      { timeoutMs: 10_000, intervalMs: 100, what: 'the feed lost, trading disabled' },
    );
    expect(await text('#feed-banner')).toMatch(/disconnected|connecting/i);
    await screenshots('disconnected');

    pod = await startPricedPod(sim!, SYMBOLS, { ...podEnv, PORT: String(port) });
    await feedIs('live', 'enabled', 30_000);
    await allRows('live', 10_000);
    expect(await page!.locator('#feed-banner').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
