/**
 * Signals across SIGKILL failovers of the active scanner: three scanner processes on a real
 * Redis, a market-data leader storing and announcing closes, and a Discord-compatible webhook
 * server. Ten times, closes arrive and the active scanner is SIGKILLed while it evaluates and
 * delivers them; the killed replica comes back. Every close qualifies, so every signal is
 * known: each must reach the webhook exactly once.
 *
 * One moment is unsafe for any webhook client: after Discord accepted a message and before the
 * scanner recorded it (a millisecond or two per message). A kill there sends that message again
 * (at-least-once: Discord has no idempotency key). The test freezes the active replica first
 * (SIGSTOP), waits until the webhook server read every request the replica sent, and looks:
 * when a message is accepted and not yet recorded it lets the replica go on and freezes it
 * again a moment later; otherwise it SIGKILLs the frozen process. It reports how often it had
 * to wait.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { HealthReport } from '@tickwire/observability';
import {
  sleep,
  startDiscordWebhookServer,
  startScannerProcess,
  startTestRedis,
  waitFor,
  type DiscordWebhookServer,
  type PodProcess,
  type TestRedis,
} from '@tickwire/testkit';
import { deliveryKeys } from '../services/scanner/src/delivery/delivery-keys';
import { signalId } from '../services/scanner/src/signals/signal';
import {
  startMarketLeader,
  testCandle,
  minuteAgo,
  type MarketLeader,
} from '../services/scanner/src/testing/market-leader';

jest.setTimeout(150_000);

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT'];
const FAILOVERS = 10;
const CLOSES_PER_ROUND = 2;
const REPLICAS = ['scanner-a', 'scanner-b', 'scanner-c'];

async function role(replica: PodProcess): Promise<string | undefined> {
  try {
    const res = await fetch(`${replica.url}/health`, { signal: AbortSignal.timeout(1_000) });
    const report = (await res.json()) as HealthReport;
    return report.checks['scanner:election']?.[0]?.observedValue as string | undefined;
  } catch {
    return undefined;
  }
}

describe('scanner failover', () => {
  let redis: TestRedis;
  let webhooks: DiscordWebhookServer;
  let market: MarketLeader | undefined;
  let inspector: Redis | undefined;
  const replicas = new Map<string, PodProcess>();

  beforeAll(async () => {
    redis = await startTestRedis();
    webhooks = await startDiscordWebhookServer();
  });
  afterAll(async () => {
    await webhooks.close();
    await redis.stop();
  });
  afterEach(async () => {
    await Promise.all([...replicas.values()].map((replica) => replica.stop()));
    replicas.clear();
    await market?.stop();
    inspector?.disconnect();
  });

  it('loses and duplicates no delivery across 10 SIGKILLs of the active scanner', async () => {
    const scannerNamespace = `sf${randomUUID().slice(0, 8)}`;
    const marketNamespace = `mf${randomUUID().slice(0, 8)}`;
    market = await startMarketLeader(redis.url, marketNamespace);
    inspector = new Redis(redis.url);
    const env = {
      REDIS_URL: redis.url,
      SCANNER_NAMESPACE: scannerNamespace,
      MARKET_DATA_NAMESPACE: marketNamespace,
      SCAN_INTERVAL_MS: '1000',
      LEADER_LEASE_MS: '1000',
      LEADER_RENEW_MS: '250',
      LEADER_RENEW_DEADLINE_MS: '700',
      LEADER_RETRY_MS: '100',
      WEBHOOK_HOST_ALLOWLIST: webhooks.origin,
      // Far above a request's time here, the replica's freezes included: a request timed out after
      // the webhook accepted it would be sent again (at-least-once, as with Discord).
      DELIVERY_TIMEOUT_MS: '5000',
      DELIVERY_CLAIM_IDLE_MS: '6000',
    };
    const start = async (instanceId: string) =>
      replicas.set(instanceId, await startScannerProcess({ ...env, INSTANCE_ID: instanceId }));
    await Promise.all(REPLICAS.map(start));
    const active = () =>
      waitFor(
        async () => {
          for (const [id, replica] of replicas) if ((await role(replica)) === 'active') return id;
          return undefined;
        },
        { timeoutMs: 5_000, intervalMs: 50, what: 'an active scanner' },
      );

    // One strategy on five symbols that every close meets, to one webhook.
    const api = replicas.get(REPLICAS[0]!)!.url;
    const post = async (path: string, body: unknown, owner?: string) => {
      const res = await fetch(`${api}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(owner ? { 'X-Owner-Id': owner } : {}) },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const webhook = webhooks.createWebhook();
    const owner = await post('/v1/owners', { name: 'trader' });
    const watchlistId = await post('/v1/watchlists', { name: 'majors', symbols: SYMBOLS }, owner);
    const destinationId = await post('/v1/destinations', { name: 'alerts', url: webhook.url }, owner);
    const strategyId = await post(
      '/v1/strategies',
      {
        watchlistId,
        destinationIds: [destinationId],
        document: {
          name: 'every close',
          interval: '1m',
          cooldownMs: 0,
          when: { type: 'price', op: 'above', value: '0' },
        },
      },
      owner,
    );
    await active();

    const keys = deliveryKeys(scannerNamespace);
    const delivered = () =>
      webhooks
        .messages(webhook.id)
        .flatMap((message) => (message.embeds ?? []).map((embed) => embed.footer!.text));
    /** Signals Discord accepted and the scanner has not recorded as delivered yet. */
    const acceptedNotRecorded = async () => {
      const ids = delivered();
      if (ids.length === 0) return 0;
      const marks = await inspector!.mget(ids.map((id) => keys.mark(destinationId, id)));
      return marks.filter((mark) => mark !== 'delivered').length;
    };

    const expected: string[] = [];
    let minute = FAILOVERS * CLOSES_PER_ROUND + 5;
    let waits = 0;
    for (let round = 0; round < FAILOVERS; round++) {
      for (let c = 0; c < CLOSES_PER_ROUND; c++, minute--) {
        for (const symbol of SYMBOLS) {
          const candle = testCandle(symbol, minuteAgo(minute), String(100 + round));
          await market.close(candle);
          expect(candle.openTime).toBeGreaterThan(0);
          expected.push(signalId(strategyId, symbol, '1m', candle.openTime));
        }
      }
      // Kill while the closes are being evaluated, queued and sent (0-300 ms after them).
      await sleep(Math.floor(Math.random() * 300));
      const victimId = await active();
      const victim = replicas.get(victimId)!;
      for (let attempt = 0; ; attempt++) {
        victim.kill('SIGSTOP');
        // The stop takes hold when the victim next leaves the kernel: a write it is making lands.
        await sleep(50);
        // Every request it sent is read before the look: one read after it would be accepted
        // with the replica killed before recording it (this process may not read for a while).
        await webhooks.caughtUp();
        if ((await acceptedNotRecorded()) === 0) break;
        expect(attempt).toBeLessThan(20);
        waits++;
        victim.kill('SIGCONT');
        await sleep(20 + Math.floor(Math.random() * 50));
      }
      victim.kill('SIGKILL');
      await victim.exited(5_000);
      replicas.delete(victimId);
      // Another replica takes over (the lease runs out), and the killed one comes back.
      await waitFor(async () => (await active()) !== victimId, {
        timeoutMs: 5_000,
        what: 'a new active scanner',
      });
      await start(victimId);
    }

    await waitFor(() => delivered().length >= expected.length, {
      timeoutMs: 30_000,
      what: `${expected.length} deliveries (have ${delivered().length})`,
    });
    // Scans and claims go on a while longer: nothing more may arrive.
    await sleep(3_000);
    const received = delivered();
    const duplicates = received.filter((id, index) => received.indexOf(id) !== index);
    const lost = expected.filter((id) => !received.includes(id));
    console.log(
      `scanner failover: ${FAILOVERS} SIGKILLs, ${expected.length} signals, ${received.length} delivered, ` +
        `${duplicates.length} duplicates, ${lost.length} lost; ${waits} freeze(s) let go on (message accepted, not yet recorded)`,
    );
    expect(duplicates).toEqual([]);
    expect(lost).toEqual([]);
    expect(received).toHaveLength(expected.length);
  });
});
