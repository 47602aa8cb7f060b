import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { connectRedis, createRedisClient, disconnectRedis, type RedisClient } from '@tickwire/cluster';
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import {
  startDiscordWebhookServer,
  startTestRedis,
  waitFor,
  type DiscordWebhookServer,
  type TestRedis,
  type TestWebhook,
} from '@tickwire/testkit';
import { testSignal } from '../testing/signal-fixtures';
import { deliveryKeys } from './delivery-keys';
import { createDeliveryMetrics } from './delivery-metrics';
import { DeliveryQueue } from './delivery-queue';
import { DeliveryReason } from './delivery-reasons';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker';
import { DiscordWebhookSender } from './discord-webhook-sender';

jest.setTimeout(30_000);

describe('signal delivery to Discord webhooks (real Redis, local Discord-compatible server)', () => {
  let redis: TestRedis;
  let server: DiscordWebhookServer;
  let namespace: string;
  const clients: RedisClient[] = [];
  const workers: DeliveryWorker[] = [];
  const urls = new Map<string, string>();
  const logLines: string[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    namespace = `t${randomUUID().slice(0, 8)}`;
    server = await startDiscordWebhookServer();
    urls.clear();
    logLines.length = 0;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    for (const client of clients.splice(0)) disconnectRedis(client);
    await server.close();
  });

  async function connect(name: string): Promise<RedisClient> {
    const client = createRedisClient(
      { mode: 'standalone', url: redis.url },
      { instanceId: name, purpose: 'commands', commandTimeoutMs: 2_000 },
    );
    clients.push(client);
    await connectRedis(client);
    return client;
  }

  async function queueOn(name: string) {
    return new DeliveryQueue(await connect(name), deliveryKeys(namespace));
  }

  function destination(id: string, webhook: TestWebhook): string {
    urls.set(id, webhook.url);
    return id;
  }

  async function startWorker(consumer: string, options: Partial<DeliveryWorkerOptions> = {}) {
    const queue = options.queue ?? (await queueOn(consumer));
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const metrics = createDeliveryMetrics(registry, () => queue.depth());
    const logger = createLogger({
      level: 'info',
      service: 'test',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString('utf8'));
          done();
        },
      }),
    });
    const worker = new DeliveryWorker({
      queue,
      sender: new DiscordWebhookSender({ timeoutMs: 2_000 }),
      directory: { webhookUrl: (id) => Promise.resolve(urls.get(id)) },
      consumer,
      logger,
      metrics,
      allowedWebhookHosts: [server.origin],
      pollMs: 50,
      claimIdleMs: 1_000,
      retryBaseMs: 20,
      retryMaxMs: 100,
      ...options,
    });
    workers.push(worker);
    await worker.start();
    return { worker, queue, registry };
  }

  /** Signal ids the webhook received, one per embed, in order. */
  const receivedIds = (webhook: TestWebhook) =>
    server
      .messages(webhook.id)
      .flatMap((message) => (message.embeds ?? []).map((embed) => embed.footer!.text));
  const statuses = (webhook: TestWebhook) => server.requests(webhook.id).map((request) => request.status);

  /** Waits until a signal reached another webhook: by then the worker has had rounds to make a mistake in. */
  async function deliveredElsewhere(queue: DeliveryQueue): Promise<void> {
    const witness = server.createWebhook();
    await queue.enqueue(destination('dest-witness', witness), testSignal(1));
    await waitFor(() => receivedIds(witness).length === 1, {
      timeoutMs: 5_000,
      what: 'a later delivery elsewhere',
    });
  }

  it('drains 100 queued signals to one webhook as 10 messages within its rate limit, in order, with no 429', async () => {
    const webhook = server.createWebhook();
    const queue = await queueOn('producer');
    const dest = destination('dest-1', webhook);
    const signals = Array.from({ length: 100 }, (_, i) => testSignal(i));
    for (const signal of signals) expect(await queue.enqueue(dest, signal)).toBe('queued');

    const started = performance.now();
    const { worker, registry } = await startWorker('consumer-a');
    await waitFor(() => receivedIds(webhook).length === 100, {
      timeoutMs: 15_000,
      what: '100 signals delivered',
    });
    const drainMs = performance.now() - started;
    await waitFor(async () => (await queue.length(dest)) === 0, { timeoutMs: 5_000, what: 'queue empty' });
    // The settle script empties the queue before the worker counts what it ended: its last round must end first.
    await worker.stop();

    expect(receivedIds(webhook)).toEqual(signals.map((signal) => signal.id));
    expect(server.messages(webhook.id)).toHaveLength(10);
    // Discord's headers announce the empty bucket, so not even the one 429 allowed is spent.
    expect(statuses(webhook).filter((status) => status === 429)).toEqual([]);
    // Ten messages at 5 per 2 s: the second five wait for the bucket to reset once.
    expect(drainMs).toBeGreaterThanOrEqual(1_500);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/tickwire_scanner_signals_delivered_total 100/);
    expect(metrics).toMatch(/tickwire_scanner_delivery_queue_depth 0/);
    process.stdout.write(`drained 100 signals to one webhook in ${Math.round(drainMs)} ms\n`);
  });

  it('sends a signal queued twice once, and does not queue it again after delivery', async () => {
    const webhook = server.createWebhook();
    const queue = await queueOn('producer');
    const dest = destination('dest-1', webhook);
    expect(await queue.enqueue(dest, testSignal(1))).toBe('queued');
    expect(await queue.enqueue(dest, testSignal(1))).toBe('duplicate');
    await startWorker('consumer-a');
    await waitFor(() => receivedIds(webhook).length === 1, { timeoutMs: 5_000 });
    expect(await queue.enqueue(dest, testSignal(1))).toBe('duplicate');
    await waitFor(async () => (await queue.length(dest)) === 0, { timeoutMs: 5_000 });
    expect(receivedIds(webhook)).toEqual([testSignal(1).id]);
  });

  it('disables a deleted webhook at its 404: no request after it, its queue dead-lettered, nothing queued again', async () => {
    const webhook = server.createWebhook();
    const queue = await queueOn('producer');
    const dest = destination('dest-gone', webhook);
    server.deleteWebhook(webhook.id);
    for (let i = 0; i < 25; i++) await queue.enqueue(dest, testSignal(i));
    const { registry } = await startWorker('consumer-a');

    const disabled = await waitFor(() => queue.disabled(dest), {
      timeoutMs: 5_000,
      what: 'destination disabled',
    });
    expect(disabled.code).toBe(DeliveryReason.WebhookGone);
    expect(disabled.reason).toMatch(/HTTP 404: Unknown Webhook \(code 10015\)/);
    const dead = await queue.deadLetters(dest);
    expect(dead).toHaveLength(25);
    expect(new Set(dead.map((letter) => letter.signalId)).size).toBe(25);
    expect(dead.every((letter) => letter.code === DeliveryReason.WebhookGone)).toBe(true);
    expect(await queue.enqueue(dest, testSignal(99))).toBe('disabled');
    await deliveredElsewhere(queue);
    expect(statuses(webhook)).toEqual([404]);
    expect(await queue.length(dest)).toBe(0);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(
      /^tickwire_scanner_delivery_destinations_disabled_total\{code="WEBHOOK_GONE"\} 1$/m,
    );
    expect(metrics).toMatch(/^tickwire_scanner_delivery_dead_letters_total\{code="WEBHOOK_GONE"\} 25$/m);
  });

  it('disables a webhook whose token Discord refuses (401) as it does a deleted one: one request, never another', async () => {
    const webhook = server.createWebhook();
    const queue = await queueOn('producer');
    const dest = 'dest-bad-token';
    // The token with its last character changed: a fixed 'x' would be no change for 1 token in 64.
    const wrongLast = webhook.token.endsWith('x') ? 'y' : 'x';
    urls.set(dest, webhook.url.replace(webhook.token, `${webhook.token.slice(0, -1)}${wrongLast}`));
    for (let i = 0; i < 3; i++) await queue.enqueue(dest, testSignal(i));
    await startWorker('consumer-a');

    const disabled = await waitFor(() => queue.disabled(dest), {
      timeoutMs: 5_000,
      what: 'destination disabled',
    });
    expect(disabled.code).toBe(DeliveryReason.WebhookGone);
    expect(disabled.reason).toMatch(/HTTP 401: Invalid Webhook Token \(code 50027\)/);
    expect(await queue.deadLetters(dest)).toHaveLength(3);
    await deliveredElsewhere(queue);
    expect(statuses(webhook)).toEqual([401]);
  });

  it('dead-letters the signals of an unreachable webhook with the reason after the allowed attempts', async () => {
    const webhook = server.createWebhook();
    const queue = await queueOn('producer');
    const dest = destination('dest-down', webhook);
    server.setFault(webhook.id, 'reset');
    for (let i = 0; i < 3; i++) await queue.enqueue(dest, testSignal(i));
    await startWorker('consumer-a', { maxAttempts: 3 });

    const dead = await waitFor(
      async () => ((await queue.deadLetters(dest)).length === 3 ? queue.deadLetters(dest) : undefined),
      {
        timeoutMs: 10_000,
        what: 'three dead letters',
      },
    );
    expect(dead.every((letter) => letter.code === DeliveryReason.AttemptsExhausted)).toBe(true);
    expect(dead[0]!.reason).toMatch(/^3 attempts failed; the last: cannot reach the webhook/);
    expect(statuses(webhook)).toEqual([0, 0, 0]);
    expect(await queue.disabled(dest)).toBeUndefined();
    await waitFor(async () => (await queue.length(dest)) === 0, { timeoutMs: 5_000 });
    // The webhook URL is a secret: its token appears in no log line.
    expect(logLines.join('')).not.toContain(webhook.token);
    expect(logLines.join('')).toContain(`${webhook.id}/${webhook.token.slice(0, 4)}…`);
  });

  /** A fetch that runs `meanwhile` while the request is in flight, once, then lets it through. */
  function fetchWith(meanwhile: () => Promise<void>): { fetch: typeof fetch; called: () => boolean } {
    let called = false;
    return {
      called: () => called,
      fetch: async (input, init) => {
        if (!called) {
          called = true;
          await meanwhile();
        }
        return fetch(input, init);
      },
    };
  }

  it('serves a destination again when its URL changed while the request meeting the 404 was in flight', async () => {
    const gone = server.createWebhook();
    const replacement = server.createWebhook();
    server.deleteWebhook(gone.id);
    const queue = await queueOn('producer');
    const dest = destination('dest-moved', gone);
    await queue.enqueue(dest, testSignal(1));
    // The owner gives the destination a new webhook (the catalog clears "disabled" in the same write).
    const owner = fetchWith(async () => {
      urls.set(dest, replacement.url);
      await queue.enable(dest);
    });
    await startWorker('consumer-a', {
      sender: new DiscordWebhookSender({ fetch: owner.fetch, timeoutMs: 2_000 }),
    });

    // The 404 dead-letters what was queued for the old webhook, and must not disable the new one.
    await waitFor(
      async () => (await queue.deadLetters(dest)).length === 1 && (await queue.disabled(dest)) === undefined,
      { timeoutMs: 5_000, what: 'the dead letter, and the destination served again' },
    );
    expect(statuses(gone)).toEqual([404]);
    expect(await queue.enqueue(dest, testSignal(2))).toBe('queued');
    await waitFor(() => receivedIds(replacement).length === 1, { timeoutMs: 5_000, what: 'the next signal' });
    expect(receivedIds(replacement)).toEqual([testSignal(2).id]);
  });

  it('leaves nothing of a destination removed while the request meeting its 404 was in flight', async () => {
    const gone = server.createWebhook();
    server.deleteWebhook(gone.id);
    const queue = await queueOn('producer');
    const dest = destination('dest-removed', gone);
    await queue.enqueue(dest, testSignal(1));
    const owner = fetchWith(async () => {
      urls.delete(dest);
      await queue.forget(dest);
    });
    const { worker } = await startWorker('consumer-a', {
      sender: new DiscordWebhookSender({ fetch: owner.fetch, timeoutMs: 2_000 }),
    });

    // The owner's forget empties every key before the request even leaves, so Redis is looked at only
    // once the 404 came back and the worker's round over it ended (the disabled mark it sets, then clears).
    await waitFor(() => statuses(gone).length > 0, { timeoutMs: 5_000, what: 'the 404' });
    await worker.stop();
    expect(owner.called()).toBe(true);
    expect(statuses(gone)).toEqual([404]);
    const keys = deliveryKeys(namespace);
    const inspector = await connect('inspector');
    expect(await inspector.exists(keys.queue(dest), keys.deadLetters(dest), keys.attempts(dest))).toBe(0);
    expect(await inspector.hexists(keys.disabled, dest)).toBe(0);
    expect(await inspector.zscore(keys.due, dest)).toBeNull();
  });

  it('counts no attempt for entries that ended while their failing request was in flight', async () => {
    const webhook = server.createWebhook();
    const queue = await queueOn('producer');
    const dest = destination('dest-failing', webhook);
    await queue.enqueue(dest, testSignal(1));
    // The destination is removed mid-request, and the request then fails.
    let called = false;
    const failing: typeof fetch = async () => {
      called = true;
      urls.delete(dest);
      await queue.forget(dest);
      throw new TypeError('fetch failed');
    };
    await startWorker('consumer-a', {
      sender: new DiscordWebhookSender({ fetch: failing, timeoutMs: 2_000 }),
    });
    await waitFor(
      () => called && logLines.some((line) => line.includes('webhook request failed; retrying')),
      {
        timeoutMs: 5_000,
        what: 'the failure handled',
      },
    );
    const inspector = await connect('inspector');
    expect(await inspector.exists(deliveryKeys(namespace).attempts(dest))).toBe(0);
  });

  it('reads the delivery states of several destinations at once, in their order', async () => {
    const queue = await queueOn('producer');
    const gone = server.createWebhook();
    server.deleteWebhook(gone.id);
    const disabled = destination('dest-disabled', gone);
    await queue.enqueue(disabled, testSignal(1));
    await queue.enqueue(disabled, testSignal(2));
    await startWorker('consumer-a');
    await waitFor(() => queue.disabled(disabled), { timeoutMs: 5_000, what: 'destination disabled' });
    // No worker may serve the next one (it has no webhook: a worker would clear it as deleted).
    for (const worker of workers.splice(0)) await worker.stop();
    const waiting = 'dest-waiting';
    await queue.enqueue(waiting, testSignal(1));

    expect(await queue.states([waiting, 'dest-unknown', disabled])).toEqual([
      { disabled: undefined, queued: 1, deadLetters: 0 },
      { disabled: undefined, queued: 0, deadLetters: 0 },
      {
        disabled: {
          code: DeliveryReason.WebhookGone,
          reason: expect.stringMatching(/HTTP 404/),
          at: expect.any(Number),
        },
        queued: 0,
        deadLetters: 2,
      },
    ]);
    expect(await queue.states([])).toEqual([]);
  });

  it('keeps draining one webhook while another waits out a 429', async () => {
    // A bucket window that outlasts a stalled process: the bucket spent below must still be empty
    // when the worker, started after 40 enqueues, first calls the busy webhook.
    await server.close();
    server = await startDiscordWebhookServer({ bucketWindowMs: 5_000 });
    const busy = server.createWebhook();
    const free = server.createWebhook();
    // Someone else spent the busy webhook's bucket: the scanner's first request meets a 429.
    for (let i = 0; i < 5; i++) {
      await fetch(busy.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"content":"x"}',
      });
    }
    const queue = await queueOn('producer');
    const busyDest = destination('dest-busy', busy);
    const freeDest = destination('dest-free', free);
    for (let i = 0; i < 20; i++) {
      await queue.enqueue(busyDest, testSignal(i));
      await queue.enqueue(freeDest, testSignal(i));
    }
    await startWorker('consumer-a');

    await waitFor(() => statuses(busy).includes(429), { timeoutMs: 5_000, what: 'the 429' });
    const limitedAt = server.requests(busy.id).find((request) => request.status === 429)!.at;
    await waitFor(() => receivedIds(free).length === 20, {
      timeoutMs: 5_000,
      what: 'the free webhook drained',
    });
    // The free webhook's two messages went out while the busy one was still held by its 429.
    const freeDoneAt = Math.max(...server.requests(free.id).map((request) => request.at));
    const busyResumedAt = server
      .requests(busy.id)
      .find((request) => request.status === 204 && request.at > limitedAt);
    expect(busyResumedAt === undefined || freeDoneAt <= busyResumedAt.at).toBe(true);
    await waitFor(() => receivedIds(busy).length === 20, {
      timeoutMs: 8_000,
      what: 'the busy webhook drained',
    });
    expect(statuses(busy).filter((status) => status === 429)).toHaveLength(1);
  });

  it('loses and duplicates nothing when a consumer stops mid-delivery and another claims its entries', async () => {
    const webhook = server.createWebhook();
    const producer = await queueOn('producer');
    const dest = destination('dest-1', webhook);
    const signals = Array.from({ length: 30 }, (_, i) => testSignal(i));
    for (const signal of signals) await producer.enqueue(dest, signal);

    // Consumer A takes the first ten and freezes before its request leaves; then it loses Redis.
    let frozen = false;
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        frozen = true;
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    const aClient = await connect('consumer-a');
    await startWorker('consumer-a', {
      queue: new DeliveryQueue(aClient, deliveryKeys(namespace)),
      sender: new DiscordWebhookSender({ fetch: hang, timeoutMs: 3_000 }),
    });
    await waitFor(() => frozen, { timeoutMs: 5_000, what: 'consumer A mid-delivery' });
    disconnectRedis(aClient);
    const pending = (await (
      await connect('inspector')
    ).xpending(deliveryKeys(namespace).queue(dest), 'delivery')) as [number];
    expect(pending[0]).toBe(10);

    // Consumer B claims A's ten once they are idle and sends everything exactly once.
    await startWorker('consumer-b');
    await waitFor(() => receivedIds(webhook).length >= 30, {
      timeoutMs: 15_000,
      what: '30 signals delivered',
    });
    await waitFor(async () => (await producer.length(dest)) === 0, { timeoutMs: 5_000, what: 'queue empty' });
    const ids = receivedIds(webhook);
    expect(ids).toHaveLength(30);
    expect(new Set(ids)).toEqual(new Set(signals.map((signal) => signal.id)));
  });

  it('sends nothing from a replica that is no longer active: its entries wait for the active one to claim them', async () => {
    const webhook = server.createWebhook();
    const producer = await queueOn('producer');
    const dest = destination('dest-1', webhook);
    const signals = Array.from({ length: 5 }, (_, i) => testSignal(i));
    for (const signal of signals) await producer.enqueue(dest, signal);

    // Consumer A's leadership is gone (paused past its renew deadline, say): it takes entries but sends none.
    const a = await startWorker('consumer-a', { isActive: () => false });
    const inspector = await connect('inspector');
    const pendingCount = async () =>
      ((await inspector.xpending(deliveryKeys(namespace).queue(dest), 'delivery')) as [number])[0];
    await waitFor(async () => (await pendingCount()) === 5, {
      timeoutMs: 5_000,
      what: 'consumer A took them',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await a.worker.stop();
    expect(server.requests(webhook.id)).toEqual([]);

    // The active replica claims them once idle and sends each once.
    await startWorker('consumer-b', { isActive: () => true });
    await waitFor(() => receivedIds(webhook).length >= 5, { timeoutMs: 10_000, what: '5 signals delivered' });
    expect(receivedIds(webhook)).toEqual(signals.map((signal) => signal.id));
  });
});
