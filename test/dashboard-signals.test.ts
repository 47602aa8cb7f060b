/**
 * The dashboard's signals section in Chromium, through a real gateway with a real scanner (in
 * process) on a real Redis, a pod on the simulator behind it: without a key the section asks for
 * a bot key, a `read` key is told it cannot read signals, a bot key lists its owner's signals
 * (never another owner's) newest first, and a signal appended through the scanner's signal store
 * appears at the top while the page is open; an owner without signals is told none came yet, the
 * pod (no signal route) says where signals come from (asked once: a 404 does not change), and a
 * scanner gone is said while the last signals stay listed. Polls that find nothing new are 304s. Screenshots (desktop and phone) go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  bearer,
  freshGatewayNamespace,
  send,
  startGatewayHarness,
  type GatewayHarness,
} from '../services/gateway/src/testing/gateway-harness';
import { startScannerHarness, type ScannerHarness } from '../services/scanner/src/testing/scanner-harness';
import { testSignal } from '../services/scanner/src/testing/signal-fixtures';
import type { Signal } from '../services/scanner/src/signals/signal';
import { SIGNALS_POLL_MS } from '../packages/dashboard/src/signals-feed';
import {
  launchChromium,
  startExchangeSim,
  startTestRedis,
  waitFor,
  type Browser,
  type ExchangeSim,
  type Page,
  type PodProcess,
  type TestRedis,
} from '@tickwire/testkit';
import { startPricedPod } from './support/priced-pod';

jest.setTimeout(60_000);

const ARTIFACTS = resolve(__dirname, '../test-artifacts');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/**
 * Bound of one fill or click. Each returns as soon as it is done; under load Playwright's wait
 * for navigations a click may have scheduled took more than 1 s (seen in a loop of whole-suite runs).
 */
const ACTION_TIMEOUT_MS = 10_000;
/** A new signal is on the page within one poll and this much more (ms). */
const SHOWN_WITHIN_MS = SIGNALS_POLL_MS + 5_000;

describe("the dashboard's signals", () => {
  let redis: TestRedis | undefined;
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;
  let scanner: ScannerHarness | undefined;
  let gateway: GatewayHarness | undefined;
  let browser: Browser | undefined;
  const pages: Page[] = [];
  const pageErrors: string[] = [];
  /** Each `/v1/signals` answer a page got, with its status. */
  const signalAnswers: { page: Page; status: number }[] = [];
  let admin: string;
  let sent = 0;
  /** `signalAnswers` from when the first page's list last changed. */
  let unchangedSince = 0;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [redis, sim] = await Promise.all([
      startTestRedis(),
      startExchangeSim({ seed: 31, tradesPerSecond: 5, tickerIntervalMs: 500 }),
    ]);
    [pod, scanner, browser] = await Promise.all([
      startPricedPod(sim, ['BTCUSDT']),
      startScannerHarness(redis.url),
      launchChromium(),
    ]);
    gateway = await startGatewayHarness({
      REDIS_URL: redis.url,
      GATEWAY_NAMESPACE: freshGatewayNamespace(),
      MARKET_DATA_URLS: pod.url,
      SCANNER_URLS: scanner.url,
      POD_HEALTH_INTERVAL_MS: '500',
      ANONYMOUS_READ: 'prices,candles,status',
      ANONYMOUS_RATE_LIMIT: '10000',
    });
    await waitFor(
      () => gateway!.gateway.scanners.counts().healthy === 1 && gateway!.gateway.pods.counts().healthy === 1,
      { timeoutMs: 10_000, what: 'the scanner and the pod ready for the gateway' },
    );
    admin = (await gateway.gateway.keys.create({ name: 'ops', scope: 'admin' })).key;
  });

  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await gateway?.stop();
    await scanner?.stop();
    await pod?.stop();
    await sim?.stop();
    await redis?.stop();
  });

  async function newPage(): Promise<Page> {
    const page = await browser!.newPage({ viewport: DESKTOP });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/v1/signals')
        signalAnswers.push({ page, status: response.status() });
    });
    pages.push(page);
    return page;
  }

  async function createOwner(name: string): Promise<string> {
    const answer = await send(`${gateway!.url}/v1/owners`, {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    expect(answer.status).toBe(201);
    return (answer.json() as { id: string }).id;
  }

  async function botKey(ownerId: string): Promise<string> {
    return (await gateway!.gateway.keys.create({ name: `bot-${ownerId.slice(0, 4)}`, scope: 'bot', ownerId }))
      .key;
  }

  /** Appends a signal through the scanner's own store, as its evaluation does; its id. */
  async function append(overrides: Partial<Signal>): Promise<string> {
    sent += 1;
    const signal = testSignal(sent, overrides);
    if (!(await scanner!.scanner.signals.append(signal)).stored) throw new Error('signal stored before');
    return signal.id;
  }

  const note = (page: Page, state: string) => page.locator(`.signals-note[data-state="${state}"]`);
  const listed = (page: Page) =>
    page.evaluate<string[]>(
      "[...document.querySelectorAll('table.signals tbody tr')].map((row) => row.dataset.signal)",
    );

  async function noteSays(page: Page, state: string, text: RegExp): Promise<void> {
    await waitFor(async () => text.test((await note(page, state).textContent({ timeout: 1_000 })) ?? ''), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: `the signals section to say ${text}`,
    });
  }

  async function enterKey(page: Page, key: string): Promise<void> {
    await page.fill('section[aria-label="Signals"] input[name="key"]', key, { timeout: ACTION_TIMEOUT_MS });
    await page.click('section[aria-label="Signals"] button[type="submit"]', { timeout: ACTION_TIMEOUT_MS });
  }

  async function screenshots(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-${name}-desktop.png`, fullPage: true });
    await page.setViewportSize(PHONE);
    // Readable on a phone: nothing wider than the screen.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-${name}-phone.png`, fullPage: true });
    await page.setViewportSize(DESKTOP);
  }

  it("asks for a bot key, then lists the key owner's signals newest first and a new one as it comes", async () => {
    const [alice, bob] = [await createOwner('alice'), await createOwner('bob')];
    const older = await append({ ownerId: alice, symbol: 'BTCUSDT', strategyName: 'RSI oversold' });
    await append({ ownerId: bob, symbol: 'SOLUSDT', strategyName: 'Bob only' });
    const newer = await append({
      ownerId: alice,
      symbol: 'ETHUSDT',
      strategyName: 'Volume spike',
      interval: '5m',
      close: '3120.45000000',
      facts: [
        { type: 'volumeSpike', met: true, values: { volume: 5123.456789, average: 1200.5 } },
        { type: 'rsi', met: false, values: { rsi: 55.5 } },
      ],
    });

    const page = await newPage();
    await page.goto(`${gateway!.url}/`, { timeout: 10_000 });
    await noteSays(page, 'key', /^A bot key shows your signals/);
    await screenshots(page, 'signals-no-key');

    const reader = (await gateway!.gateway.keys.create({ name: 'reader', scope: 'read' })).key;
    await enterKey(page, reader);
    await noteSays(page, 'key', /^This key cannot read signals: a bot key shows your signals/);

    await enterKey(page, await botKey(alice));
    await waitFor(async () => (await listed(page)).length === 2, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: "alice's two signals listed",
    });
    expect(await listed(page)).toEqual([newer, older]);
    const top = page.locator('table.signals tbody tr').first();
    expect(await top.locator('.symbol').textContent()).toBe('ETHUSDT');
    expect(await top.locator('.strategy').textContent()).toBe('Volume spike');
    expect(await top.locator('.interval').textContent()).toBe('5m');
    expect(await top.locator('.close').textContent()).toBe('3120.45');
    expect(await top.locator('.facts-met').textContent()).toBe('volumeSpike: volume 5123.46, average 1200.5');
    expect(await page.textContent('section[aria-label="Signals"]')).not.toContain('Bob only');

    const appended = await append({ ownerId: alice, symbol: 'SOLUSDT', strategyName: 'Breakout' });
    await append({ ownerId: bob, symbol: 'SOLUSDT', strategyName: 'Bob only' });
    const started = Date.now();
    await waitFor(async () => (await listed(page))[0] === appended, {
      timeoutMs: SHOWN_WITHIN_MS,
      intervalMs: 100,
      what: `the new signal at the top within ${SHOWN_WITHIN_MS} ms`,
    });
    expect(await listed(page)).toEqual([appended, newer, older]);
    expect(Date.now() - started).toBeLessThan(SHOWN_WITHIN_MS);
    unchangedSince = signalAnswers.length;
    await screenshots(page, 'signals');
  });

  it('tells an owner with no signals that none came yet', async () => {
    const page = await newPage();
    await page.goto(`${gateway!.url}/`, { timeout: 10_000 });
    await noteSays(page, 'key', /bot key/);
    await enterKey(page, await botKey(await createOwner('carol')));
    await noteSays(page, 'empty', /^No signals yet/);
  });

  it('says on a pod, which has no signal route, that signals come through the gateway', async () => {
    const page = await newPage();
    await page.goto(`${pod!.url}/`, { timeout: 10_000 });
    await noteSays(page, 'absent', /come through the gateway when the scanner runs/);
    expect(await page.locator('section[aria-label="Signals"] form').count()).toBe(0);
    // A 404 cannot change while the page is open: it asks once, not every poll.
    await new Promise((resolve) => setTimeout(resolve, SIGNALS_POLL_MS + 1_000));
    expect(signalAnswers.filter((answer) => answer.page === page).map((answer) => answer.status)).toEqual([
      404,
    ]);
  });

  it('asks once, at the top, where the whole page needs a key, and a bot key entered there shows the signals', async () => {
    const owner = await createOwner('dora');
    const signal = await append({ ownerId: owner, symbol: 'XRPUSDT', strategyName: 'Cross up' });
    const closed = await startGatewayHarness({
      REDIS_URL: redis!.url,
      GATEWAY_NAMESPACE: gateway!.config.GATEWAY_NAMESPACE,
      MARKET_DATA_URLS: pod!.url,
      SCANNER_URLS: scanner!.url,
      POD_HEALTH_INTERVAL_MS: '500',
    });
    try {
      const page = await newPage();
      await page.goto(`${closed.url}/`, { timeout: 10_000 });
      await noteSays(page, 'key', /^A bot key shows your signals: enter one above\.$/);
      expect(await page.locator('form.api-key').count()).toBe(1);
      await page.fill('form.api-key input[name="key"]', await botKey(owner), { timeout: ACTION_TIMEOUT_MS });
      await page.click('form.api-key button[type="submit"]', { timeout: ACTION_TIMEOUT_MS });
      await waitFor(async () => (await listed(page)).join() === signal, {
        timeoutMs: 10_000,
        intervalMs: 100,
        what: "dora's signal listed",
      });
      expect(await page.locator('form.api-key').count()).toBe(0);
      await page.close();
    } finally {
      await closed.stop();
    }
  });

  it('polls an unchanged list with 304s, and says the scanner is unreachable once it stops, the last signals still listed', async () => {
    const page = pages[0]!;
    // While nothing changed (the tests above took a poll or more), each poll cost a 304: the
    // page sends the ETag it got.
    const polled = () => signalAnswers.slice(unchangedSince).filter((answer) => answer.page === page);
    await waitFor(() => polled().some((answer) => answer.status === 304), {
      timeoutMs: SHOWN_WITHIN_MS,
      intervalMs: 100,
      what: 'a poll answered 304 Not Modified',
    });
    expect(polled().filter((answer) => answer.status !== 304)).toEqual([]);
    expect((await listed(page)).length).toBe(3);
    await scanner!.stop();
    await noteSays(page, 'error', /scanner.*asking again every 5 s\. The last signals received:/);
    expect((await listed(page)).length).toBe(3);
    await screenshots(page, 'signals-scanner-gone');
  });
});
