/**
 * A destination's delivery as its owner sees it through the API: a real scanner (its own
 * delivery worker) on a real Redis, sending to a Discord-compatible webhook server that answers
 * 404 for a deleted webhook and cuts the connection of a broken one.
 */
import { connectRedis, createRedisClient, disconnectRedis, type RedisClient } from '@tickwire/cluster';
import { deliveryKeys, type DeliveryKeys } from '../delivery';
import type { Signal } from '../signals/signal';
import { testSignal } from '../testing/signal-fixtures';
import { startScannerHarness, type ScannerHarness } from '../testing/scanner-harness';
import {
  startDiscordWebhookServer,
  startTestRedis,
  waitFor,
  type DiscordWebhookServer,
  type TestRedis,
  type TestWebhook,
} from '@tickwire/testkit';

jest.setTimeout(30_000);

interface DeliveryView {
  state: 'active' | 'disabled';
  disabled: { code: string; reason: string; at: string } | null;
  queued: number;
  deadLetters: number;
}

interface DestinationView {
  id: string;
  name: string;
  url: string;
  delivery: DeliveryView;
}

interface DeadLetterView {
  id: string;
  code: string;
  reason: string;
  at: string;
  signal: {
    id: string;
    strategyId?: string;
    strategyName?: string;
    symbol?: string;
    interval?: string;
    candleOpenTime?: number;
  };
}

interface DeadLettersPage {
  deadLetters: DeadLetterView[];
  nextCursor: string | null;
}

interface ErrorBody {
  error: { code: string; message: string };
}

describe("a destination's delivery through the scanner API", () => {
  let redis: TestRedis;
  let webhooks: DiscordWebhookServer;
  let api: ScannerHarness;
  let keys: DeliveryKeys;
  /** Reads Redis as it is, beside the scanner. */
  let redisClient: RedisClient;

  beforeAll(async () => {
    redis = await startTestRedis();
    redisClient = createRedisClient(
      { mode: 'standalone', url: redis.url },
      { instanceId: 'inspector', purpose: 'commands', commandTimeoutMs: 2_000 },
    );
    await connectRedis(redisClient);
  });
  afterAll(async () => {
    disconnectRedis(redisClient);
    await redis.stop();
  });
  beforeEach(async () => {
    webhooks = await startDiscordWebhookServer();
    api = await startScannerHarness(redis.url, {
      WEBHOOK_HOST_ALLOWLIST: webhooks.origin,
      DELIVERY_MAX_ATTEMPTS: '2',
    });
    keys = deliveryKeys(api.config.SCANNER_NAMESPACE);
  });
  afterEach(async () => {
    await api.stop();
    await webhooks.close();
  });

  async function json<T>(response: Response | Promise<Response>, status = 200): Promise<T> {
    const res = await response;
    const text = await res.text();
    expect([res.status, text]).toEqual([status, expect.any(String)]);
    return JSON.parse(text) as T;
  }
  const createOwner = async (name: string) =>
    (await json<{ id: string }>(api.request('POST', '/v1/owners', { body: { name } }), 201)).id;
  const createDestination = (owner: string, webhook: TestWebhook) =>
    json<DestinationView>(
      api.request('POST', '/v1/destinations', { owner, body: { name: 'alerts', url: webhook.url } }),
      201,
    );
  const readDestination = (owner: string, id: string) =>
    json<DestinationView>(api.request('GET', `/v1/destinations/${id}`, { owner }));

  /** Signals of one strategy on one symbol, one candle apart, as the evaluator would queue them. */
  const signal = (n: number, ownerId: string): Signal =>
    testSignal(n, { ownerId, strategyId: '11111111-1111-4111-8111-111111111111' });

  /**
   * Queues the signals as the evaluator would. Sent together, they reach Redis before the worker
   * can have met the webhook's answer to the first (its answer takes an HTTP round trip).
   */
  const enqueueAll = (destinationId: string, signals: readonly Signal[]) =>
    Promise.all(signals.map((s) => api.scanner.deliveryQueue.enqueue(destinationId, s)));

  /** Signal ids a webhook received, one per embed, in order. */
  const receivedIds = (webhook: TestWebhook) =>
    webhooks.messages(webhook.id).flatMap((message) => (message.embeds ?? []).map((e) => e.footer!.text));

  /** A destination of `owner` whose webhook is deleted, after the scanner met its 404 with three signals queued. */
  async function disabledDestination(owner: string) {
    const webhook = webhooks.createWebhook();
    const destination = await createDestination(owner, webhook);
    expect(destination.delivery).toEqual({ state: 'active', disabled: null, queued: 0, deadLetters: 0 });
    webhooks.deleteWebhook(webhook.id);
    expect(
      await enqueueAll(
        destination.id,
        [0, 1, 2].map((i) => signal(i, owner)),
      ),
    ).toEqual(['queued', 'queued', 'queued']);
    const disabled = await waitFor(
      async () => {
        const read = await readDestination(owner, destination.id);
        return read.delivery.state === 'disabled' ? read : undefined;
      },
      { timeoutMs: 10_000, what: 'the destination disabled' },
    );
    return { webhook, destination: disabled };
  }

  it("shows a destination disabled by Discord's 404 with the code and reason, and its dead letters newest first", async () => {
    const owner = await createOwner('alice');
    const { webhook, destination } = await disabledDestination(owner);
    expect(destination.delivery).toEqual({
      state: 'disabled',
      disabled: {
        code: 'WEBHOOK_GONE',
        reason: expect.stringMatching(/HTTP 404: Unknown Webhook \(code 10015\)/),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
      queued: 0,
      deadLetters: 3,
    });
    expect(webhooks.requests(webhook.id).map((r) => r.status)).toEqual([404]);
    // The list carries the same state, read for every destination of the page.
    const other = await createDestination(owner, webhooks.createWebhook());
    const list = await json<{ destinations: DestinationView[] }>(
      api.request('GET', '/v1/destinations', { owner }),
    );
    expect(list.destinations.map((d) => [d.id, d.delivery.state, d.delivery.deadLetters])).toEqual([
      [destination.id, 'disabled', 3],
      [other.id, 'active', 0],
    ]);

    const path = `/v1/destinations/${destination.id}/dead-letters`;
    const first = await json<DeadLettersPage>(api.request('GET', `${path}?limit=2`, { owner }));
    expect(first.deadLetters.map((letter) => letter.signal.id)).toEqual([
      signal(2, owner).id,
      signal(1, owner).id,
    ]);
    expect(first.deadLetters[0]).toEqual({
      id: expect.stringMatching(/^\d+-\d+$/),
      code: 'WEBHOOK_GONE',
      reason: expect.stringMatching(/HTTP 404: Unknown Webhook/),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      signal: {
        id: signal(2, owner).id,
        strategyId: '11111111-1111-4111-8111-111111111111',
        strategyName: 'RSI oversold',
        symbol: 'BTCUSDT',
        interval: '1m',
        candleOpenTime: signal(2, owner).candleOpenTime,
      },
    });
    const rest = await json<DeadLettersPage>(
      api.request('GET', `${path}?limit=2&cursor=${first.nextCursor}`, { owner }),
    );
    expect(rest.deadLetters.map((letter) => letter.signal.id)).toEqual([signal(0, owner).id]);
    expect(rest.nextCursor).toBeNull();

    // The webhook URL is a secret: no answer carries its token.
    const answers = [
      await api.request('GET', `/v1/destinations/${destination.id}`, { owner }),
      await api.request('GET', '/v1/destinations', { owner }),
      await api.request('GET', path, { owner }),
    ];
    for (const answer of answers) expect(await answer.text()).not.toContain(webhook.token);
  });

  it('lists the signals of an unreachable webhook as dead letters after DELIVERY_MAX_ATTEMPTS, the destination still active', async () => {
    const owner = await createOwner('bob');
    const webhook = webhooks.createWebhook();
    webhooks.setFault(webhook.id, 'reset');
    const destination = await createDestination(owner, webhook);
    await enqueueAll(
      destination.id,
      [0, 1].map((i) => signal(i, owner)),
    );

    const settled = await waitFor(
      async () => {
        const read = await readDestination(owner, destination.id);
        return read.delivery.deadLetters === 2 ? read : undefined;
      },
      { timeoutMs: 10_000, what: 'two dead letters' },
    );
    expect(settled.delivery).toEqual({ state: 'active', disabled: null, queued: 0, deadLetters: 2 });
    // Every request was cut: two attempts (the first may have carried only the first signal).
    expect(webhooks.requests(webhook.id).map((r) => r.status)).toEqual([0, 0]);
    const page = await json<DeadLettersPage>(
      api.request('GET', `/v1/destinations/${destination.id}/dead-letters`, { owner }),
    );
    expect(page.nextCursor).toBeNull();
    expect(page.deadLetters.map((letter) => [letter.code, letter.signal.id])).toEqual([
      ['ATTEMPTS_EXHAUSTED', signal(1, owner).id],
      ['ATTEMPTS_EXHAUSTED', signal(0, owner).id],
    ]);
    expect(page.deadLetters[0]!.reason).toMatch(/^2 attempts failed; the last: cannot reach the webhook/);
  });

  it('serves a disabled destination again once its URL changes: the next signal is delivered to the new webhook', async () => {
    const owner = await createOwner('carol');
    const { destination } = await disabledDestination(owner);
    const path = `/v1/destinations/${destination.id}`;
    expect(await api.scanner.deliveryQueue.enqueue(destination.id, signal(10, owner))).toBe('disabled');

    // A new name is not a new webhook: still disabled.
    const renamed = await json<DestinationView>(
      api.request('PATCH', path, { owner, body: { name: 'renamed' } }),
    );
    expect(renamed.delivery.state).toBe('disabled');

    const replacement = webhooks.createWebhook();
    const patched = await json<DestinationView>(
      api.request('PATCH', path, { owner, body: { url: replacement.url } }),
    );
    // Dead letters stay listed; they are not sent again.
    expect(patched.delivery).toEqual({ state: 'active', disabled: null, queued: 0, deadLetters: 3 });
    expect(await api.scanner.deliveryQueue.enqueue(destination.id, signal(11, owner))).toBe('queued');
    await waitFor(() => receivedIds(replacement).length === 1, {
      timeoutMs: 10_000,
      what: 'the next signal at the new webhook',
    });
    expect(receivedIds(replacement)).toEqual([signal(11, owner).id]);
    await waitFor(async () => (await readDestination(owner, destination.id)).delivery.queued === 0, {
      timeoutMs: 5_000,
      what: 'the queue drained',
    });
  });

  it("answers another owner's destination, its dead letters included, with 404", async () => {
    const alice = await createOwner('alice');
    const mallory = await createOwner('mallory');
    const { destination } = await disabledDestination(alice);
    const path = `/v1/destinations/${destination.id}/dead-letters`;
    const stolen = await api.request('GET', path, { owner: mallory });
    expect([stolen.status, (await json<ErrorBody>(stolen, 404)).error.code]).toEqual([404, 'NOT_FOUND']);
    const missing = await api.request(
      'GET',
      '/v1/destinations/00000000-0000-4000-8000-000000000000/dead-letters',
      {
        owner: alice,
      },
    );
    expect(missing.status).toBe(404);
    expect((await api.request('GET', path)).status).toBe(401);
    expect((await api.request('GET', path, { owner: alice })).status).toBe(200);
  });

  it('refuses bad dead-letter parameters with a 400', async () => {
    const owner = await createOwner('dave');
    const destination = await createDestination(owner, webhooks.createWebhook());
    const path = `/v1/destinations/${destination.id}/dead-letters`;
    for (const [query, code, mentions] of [
      ['limit=0', 'BAD_REQUEST', 'limit'],
      ['limit=101', 'BAD_REQUEST', 'limit'],
      ['limit=ten', 'BAD_REQUEST', 'limit'],
      ['cursor=yesterday', 'BAD_REQUEST', 'cursor'],
      ['lmit=5', 'UNKNOWN_PARAMETER', 'lmit'],
    ] as const) {
      const res = await api.request('GET', `${path}?${query}`, { owner });
      const body = await json<ErrorBody>(res, 400);
      expect([query, body.error.code]).toEqual([query, code]);
      expect(body.error.message).toContain(mentions);
    }
    const post = await api.request('POST', path, { owner });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD, OPTIONS']);
  });

  it('leaves no delivery state behind a deleted destination, even for a signal queued after the delete', async () => {
    const owner = await createOwner('erin');
    const { destination } = await disabledDestination(owner);
    expect((await api.request('DELETE', `/v1/destinations/${destination.id}`, { owner })).status).toBe(204);
    expect(await leftovers(destination.id)).toEqual([]);

    // An evaluator that read the catalog before the delete may still queue a signal for it.
    expect(await api.scanner.deliveryQueue.enqueue(destination.id, signal(20, owner))).toBe('queued');
    await waitFor(async () => (await leftovers(destination.id)).length === 0, {
      timeoutMs: 10_000,
      what: "the worker to forget the deleted destination's queue",
    });
  });

  /**
   * The delivery keys and entries still naming the destination: everything but the per-signal
   * marks, which expire by themselves (and must carry a TTL).
   */
  async function leftovers(destinationId: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redisClient.scan(cursor, 'MATCH', `${keys.namespace}:*`, 'COUNT', 1_000);
      cursor = next;
      for (const key of batch) {
        if (!key.includes(destinationId)) continue;
        if (key.startsWith(keys.mark(destinationId, ''))) {
          expect(await redisClient.pttl(key)).toBeGreaterThan(0);
          continue;
        }
        found.push(key);
      }
    } while (cursor !== '0');
    if ((await redisClient.hexists(keys.disabled, destinationId)) === 1)
      found.push(`${keys.disabled}[${destinationId}]`);
    if ((await redisClient.zscore(keys.due, destinationId)) !== null)
      found.push(`${keys.due}[${destinationId}]`);
    return found.sort();
  }
});
