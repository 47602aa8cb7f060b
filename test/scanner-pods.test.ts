/**
 * The whole path with real parts: the simulator, two market-data pods on Redis, a scanner
 * process and a Discord-compatible webhook server. The watchlist holds a symbol the pods were
 * not configured with: the scanner registers it in the pods' symbol interest, the leader
 * subscribes it, the pods close its candles, and the scanner fires on a real minute close and
 * delivers once. Waits for real minute boundaries (the first candle a pod sees of a symbol is
 * incomplete and not stored), so it takes one to two minutes.
 */
import { randomUUID } from 'node:crypto';
import type { HealthReport } from '@tickwire/observability';
import {
  sleep,
  startDiscordWebhookServer,
  startScannerProcess,
  waitFor,
  type DiscordWebhookServer,
  type PodProcess,
} from '@tickwire/testkit';
import { startCluster, TEST_SYMBOLS, type ClusterFixture } from './support/cluster-fixture';

jest.setTimeout(200_000);

const DYNAMIC = 'XRPUSDT';

interface SignalBody {
  id: string;
  symbol: string;
  candleOpenTime: number;
  candleClosed: boolean;
  close: string;
}

describe('scanner on real pods', () => {
  let cluster: ClusterFixture | undefined;
  let webhooks: DiscordWebhookServer | undefined;
  let scanner: PodProcess | undefined;

  afterEach(async () => {
    await scanner?.stop();
    await cluster?.stop();
    await webhooks?.close();
  });

  it('subscribes a watched symbol through the pods, fires on its real minute closes and delivers each once', async () => {
    const scannerNamespace = `sp${randomUUID().slice(0, 8)}`;
    cluster = await startCluster({
      pods: 2,
      sim: { symbols: [...TEST_SYMBOLS.split(','), DYNAMIC] },
      env: { SCANNER_NAMESPACE: scannerNamespace },
    });
    await cluster.leader();
    webhooks = await startDiscordWebhookServer();
    scanner = await startScannerProcess({
      REDIS_URL: cluster.redis!.url,
      SCANNER_NAMESPACE: scannerNamespace,
      MARKET_DATA_NAMESPACE: cluster.namespace,
      WEBHOOK_HOST_ALLOWLIST: webhooks.origin,
      SCAN_INTERVAL_MS: '2000',
      INSTANCE_ID: 'scanner-1',
    });
    const api = async <T>(method: string, path: string, body?: unknown, owner?: string): Promise<T> => {
      const res = await fetch(`${scanner!.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(owner ? { 'X-Owner-Id': owner } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(5_000),
      });
      expect(res.status).toBeLessThan(300);
      return (await res.json()) as T;
    };
    const webhook = webhooks.createWebhook();
    const owner = (await api<{ id: string }>('POST', '/v1/owners', { name: 'trader' })).id;
    const watchlist = await api<{ id: string }>(
      'POST',
      '/v1/watchlists',
      { name: 'w', symbols: [DYNAMIC] },
      owner,
    );
    const destination = await api<{ id: string }>(
      'POST',
      '/v1/destinations',
      { name: 'd', url: webhook.url },
      owner,
    );
    const strategy = await api<{ id: string }>(
      'POST',
      '/v1/strategies',
      {
        watchlistId: watchlist.id,
        destinationIds: [destination.id],
        document: { name: 'every close', interval: '1m', when: { type: 'price', op: 'above', value: '0' } },
      },
      owner,
    );

    // The scanner's interest makes the leader subscribe the symbol nobody configured.
    await waitFor(
      () => Object.keys(cluster!.sim.subscriptions()).some((s) => s.startsWith(DYNAMIC.toLowerCase())),
      {
        timeoutMs: 20_000,
        what: `the leader to subscribe ${DYNAMIC}`,
      },
    );

    // The first complete minute closes, is stored by the leader, and fires.
    const delivered = () =>
      webhooks!
        .messages(webhook.id)
        .flatMap((message) => (message.embeds ?? []).map((embed) => embed.footer!.text));
    await waitFor(() => delivered().length >= 1, {
      timeoutMs: 150_000,
      intervalMs: 500,
      what: 'a signal on a real close',
    });
    await sleep(3_000);
    const ids = delivered();
    expect(new Set(ids).size).toBe(ids.length);

    const { signals } = await api<{ signals: SignalBody[] }>(
      'GET',
      `/v1/signals?strategy=${strategy.id}`,
      undefined,
      owner,
    );
    expect(signals.map((s) => s.id).sort()).toEqual([...ids].sort());
    // Each signal names a closed candle the pods serve, with the same close.
    const { candles } = (await (
      await fetch(`${cluster.pods[0]!.url}/v1/candles/${DYNAMIC}?interval=1m&limit=10`)
    ).json()) as { candles: { openTime: number; close: string; closeTime: number }[] };
    for (const signal of signals) {
      expect(signal.candleClosed).toBe(true);
      expect(signal.candleOpenTime % 60_000).toBe(0);
      const candle = candles.find((c) => c.openTime === signal.candleOpenTime);
      expect(candle?.close).toBe(signal.close);
    }

    // Both pods show the active scanner's heartbeat.
    for (const pod of cluster.pods) {
      const report = (await (await fetch(`${pod.url}/health`)).json()) as HealthReport;
      expect(report.checks['scanner:heartbeat']?.[0]?.status).toBe('pass');
    }
  });
});
