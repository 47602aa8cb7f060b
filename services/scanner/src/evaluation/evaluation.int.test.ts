/**
 * Evaluation end to end inside one scanner: a real Redis, a real market-data leader engine
 * storing and announcing closes (the candles are chosen, so every outcome is known), a real
 * scanner (election, evaluator, signal log, delivery worker) and a Discord-compatible webhook
 * server. Each strategy must fire exactly once per qualifying candle, and each signal reach
 * the webhook once.
 */
import {
  startDiscordWebhookServer,
  startTestRedis,
  waitFor,
  sleep,
  waitUntilIntoMinute,
} from '@tickwire/testkit';
import type { DiscordWebhookServer, TestRedis, TestWebhook } from '@tickwire/testkit';
import { signalId } from '../signals/signal';
import { freshNamespace, startScannerHarness, type ScannerHarness } from '../testing/scanner-harness';
import { minuteAgo, startMarketLeader, testCandle, type MarketLeader } from '../testing/market-leader';

jest.setTimeout(30_000);

const SYMBOL = 'BTCUSDT';

describe('evaluation of strategies on candle closes', () => {
  let redis: TestRedis;
  let webhooks: DiscordWebhookServer;
  let market: MarketLeader | undefined;
  const scanners: ScannerHarness[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    webhooks = await startDiscordWebhookServer();
  });
  afterAll(async () => {
    await webhooks.close();
    await redis.stop();
  });
  afterEach(async () => {
    for (const scanner of scanners.splice(0)) await scanner.stop();
    await market?.stop();
    market = undefined;
  });

  async function start(env: Record<string, string> = {}) {
    const marketNamespace = env.MARKET_DATA_NAMESPACE ?? freshNamespace();
    market ??= await startMarketLeader(redis.url, marketNamespace);
    const scanner = await startScannerHarness(redis.url, {
      MARKET_DATA_NAMESPACE: marketNamespace,
      WEBHOOK_HOST_ALLOWLIST: webhooks.origin,
      SCAN_INTERVAL_MS: '1000',
      ...env,
    });
    scanners.push(scanner);
    // Active once its first scan wrote the heartbeat.
    await waitFor(() => scanner.scanner.heartbeat.read(), { timeoutMs: 10_000, what: 'the first scan' });
    return { scanner, market, marketNamespace };
  }

  async function json<T>(response: Promise<Response>, status = 201): Promise<T> {
    const res = await response;
    expect(res.status).toBe(status);
    return (await res.json()) as T;
  }

  /** An owner, a watchlist of SYMBOL, a destination on a fresh webhook, and one strategy. */
  async function strategy(api: ScannerHarness, document: Record<string, unknown>) {
    const webhook = webhooks.createWebhook();
    const owner = (await json<{ id: string }>(api.request('POST', '/v1/owners', { body: { name: 'o' } }))).id;
    const watchlist = await json<{ id: string }>(
      api.request('POST', '/v1/watchlists', { owner, body: { name: 'w', symbols: [SYMBOL] } }),
    );
    const destination = await json<{ id: string }>(
      api.request('POST', '/v1/destinations', { owner, body: { name: 'd', url: webhook.url } }),
    );
    const created = await json<{ id: string }>(
      api.request('POST', '/v1/strategies', {
        owner,
        body: { watchlistId: watchlist.id, destinationIds: [destination.id], document },
      }),
    );
    return { id: created.id, owner, webhook };
  }

  const delivered = (webhook: TestWebhook) =>
    webhooks
      .messages(webhook.id)
      .flatMap((message) => (message.embeds ?? []).map((embed) => embed.footer!.text));

  /** Waits for `count` deliveries, then a few more scans, and returns what arrived. */
  async function settle(webhook: TestWebhook, count: number): Promise<string[]> {
    await waitFor(() => delivered(webhook).length >= count, {
      timeoutMs: 15_000,
      what: `${count} deliveries`,
    });
    // Three more scans (1 s apart) and close reads: nothing else may arrive.
    await sleep(3_000);
    return delivered(webhook);
  }

  it('fires exactly once per qualifying candle and delivers each signal once', async () => {
    const { scanner } = await start();
    const { id, owner, webhook } = await strategy(scanner, {
      name: 'above 100',
      interval: '1m',
      when: { type: 'price', op: 'above', value: '100' },
    });
    await market!.history(Array.from({ length: 20 }, (_, i) => testCandle(SYMBOL, minuteAgo(40 - i), '100')));
    const prices = ['99', '101', '102', '99', '103', '100', '104', '98', '105', '101'];
    // One clock read: a minute turning between reads would skip a candle and date the last one now.
    const now = Date.now();
    const closes = prices.map((price, i) => testCandle(SYMBOL, minuteAgo(10 - i, now), price));
    for (const candle of closes) await market!.close(candle);
    // The same close announced again (a leader replaying) changes nothing.
    await market!.close(closes[1]!);

    const expected = closes
      .filter((candle) => Number(candle.close) > 100)
      .map((candle) => signalId(id, SYMBOL, '1m', candle.openTime));
    expect(expected).toHaveLength(6);
    expect(await settle(webhook, 6)).toEqual(expected);
    const listed = await json<{ signals: { id: string; candleClosed: boolean }[] }>(
      scanner.request('GET', `/v1/signals?strategy=${id}`, { owner }),
      200,
    );
    expect(listed.signals.map((signal) => signal.id).sort()).toEqual([...expected].sort());
    expect(listed.signals.every((signal) => signal.candleClosed)).toBe(true);
  });

  it('reads warm history for indicators: an SMA cross fires once, with the hand-computed averages', async () => {
    const { scanner } = await start();
    const { id, owner, webhook } = await strategy(scanner, {
      name: 'golden cross',
      interval: '1m',
      when: {
        type: 'cross',
        fast: { ma: 'sma', period: 3 },
        slow: { ma: 'sma', period: 5 },
        direction: 'up',
      },
    });
    await market!.history(Array.from({ length: 20 }, (_, i) => testCandle(SYMBOL, minuteAgo(30 - i), '100')));
    const now = Date.now();
    const closes = ['100', '100', '110', '111', '112'].map((price, i) =>
      testCandle(SYMBOL, minuteAgo(5 - i, now), price),
    );
    for (const candle of closes) await market!.close(candle);

    // Before 110 both averages are 100 (no cross); at 110 the 3-average (103.33) passes the
    // 5-average (102); afterwards the fast one stays above: no new cross.
    expect(await settle(webhook, 1)).toEqual([signalId(id, SYMBOL, '1m', closes[2]!.openTime)]);
    const listed = await json<{ signals: { facts: { values: { fast: number; slow: number } }[] }[] }>(
      scanner.request('GET', `/v1/signals?strategy=${id}`, { owner }),
      200,
    );
    const values = listed.signals[0]!.facts[0]!.values;
    expect(values.fast).toBeCloseTo(310 / 3, 9);
    expect(values.slow).toBeCloseTo(102, 9);
  });

  it('keeps the cooldown: a strategy quiet for 3 minutes of candles fires on every third', async () => {
    const { scanner } = await start();
    const { id, webhook } = await strategy(scanner, {
      name: 'any price',
      interval: '1m',
      cooldownMs: 180_000,
      when: { type: 'price', op: 'above', value: '0' },
    });
    // One clock read: a minute turning between reads would shift the candles the cooldown counts.
    const now = Date.now();
    const closes = Array.from({ length: 6 }, (_, i) => testCandle(SYMBOL, minuteAgo(6 - i, now), '50'));
    for (const candle of closes) await market!.close(candle);
    expect(await settle(webhook, 2)).toEqual(
      [closes[0]!, closes[3]!].map((candle) => signalId(id, SYMBOL, '1m', candle.openTime)),
    );
  });

  it('evaluates closes stored while no scanner was active when the next one starts, and none twice', async () => {
    const { scanner: first, marketNamespace } = await start();
    const { id, webhook } = await strategy(first, {
      name: 'above 100',
      interval: '1m',
      when: { type: 'price', op: 'above', value: '100' },
    });
    const now = Date.now();
    const closes = ['101', '102', '103'].map((price, i) => testCandle(SYMBOL, minuteAgo(3 - i, now), price));
    await market!.close(closes[0]!);
    await waitFor(() => delivered(webhook).length === 1, { timeoutMs: 10_000, what: 'the first delivery' });
    await first.stop();
    scanners.splice(scanners.indexOf(first), 1);

    // No scanner runs while these close.
    await market!.close(closes[1]!);
    await market!.close(closes[2]!);
    await start({
      SCANNER_NAMESPACE: first.config.SCANNER_NAMESPACE,
      MARKET_DATA_NAMESPACE: marketNamespace,
    });
    expect(await settle(webhook, 3)).toEqual(
      closes.map((candle) => signalId(id, SYMBOL, '1m', candle.openTime)),
    );
  });

  it('evaluates the open candle for an openCandle strategy: fires once before the close, not again at it', async () => {
    const { scanner } = await start();
    const { id, owner, webhook } = await strategy(scanner, {
      name: 'breakout now',
      interval: '1m',
      openCandle: true,
      when: { type: 'price', op: 'above', value: '120' },
    });
    // Keep the open candle's minute whole during the test: checked after the start, which may take
    // up to 10 s on a loaded machine, so at least 15 s remain for the ticks and the scans.
    await waitUntilIntoMinute(100, 45_000);
    await market!.history(Array.from({ length: 10 }, (_, i) => testCandle(SYMBOL, minuteAgo(10 - i), '100')));
    const openTime = minuteAgo(0);
    // Ticks of the current minute, through the pods' distribution: the scanner builds the open candle.
    const tick = (price: string) => {
      const now = Date.now();
      return market!.engine.distribution.publish([
        {
          exchange: 'binance',
          symbol: SYMBOL,
          last: price,
          tradeQty: '1',
          eventTime: now,
          receiveTime: now,
          source: 'ws',
        },
      ]);
    };
    await tick('110');
    await sleep(1_500);
    expect(delivered(webhook)).toEqual([]);
    await tick('125');
    const expected = signalId(id, SYMBOL, '1m', openTime);
    await waitFor(() => delivered(webhook).length === 1, {
      timeoutMs: 10_000,
      what: 'the open-candle signal',
    });
    // Later scans in the same candle, and the candle's close, add nothing.
    await tick('130');
    await market!.close(testCandle(SYMBOL, openTime, '130'));
    expect(await settle(webhook, 1)).toEqual([expected]);
    const listed = await json<{ signals: { id: string; candleClosed: boolean; close: string }[] }>(
      scanner.request('GET', `/v1/signals?strategy=${id}`, { owner }),
      200,
    );
    expect(listed.signals).toMatchObject([{ id: expected, candleClosed: false, close: '125' }]);
  });
});
