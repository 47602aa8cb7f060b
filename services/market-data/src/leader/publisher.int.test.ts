/**
 * The leader's publisher against a real redis-server killed and restarted under it: an outage
 * is logged as one line when it starts, a count per interval, and one line when writes land again.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { RedisEngine } from '@tickwire/cluster';
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import { startTestRedis, waitFor, type TestRedis } from '@tickwire/testkit';
import { createPodMetrics } from '../metrics';
import { Publisher } from './publisher';

jest.setTimeout(30_000);

const FAILURE_LOG_INTERVAL_MS = 300;

describe('the publisher during a Redis outage', () => {
  let redis: TestRedis | undefined;

  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  it('logs the first failure, then one count per interval, then one line when publishing recovers', async () => {
    redis = await startTestRedis({ forceBinary: true });
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString().split('\n'))
          if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    const logger = createLogger({ level: 'info', service: 'test', destination });
    const engine = await RedisEngine.create({
      instanceId: 'publisher-outage',
      connection: { mode: 'standalone', url: redis.url },
      namespace: `t${randomUUID().slice(0, 8)}`,
      timings: { leaseMs: 1_000, renewMs: 250, renewDeadlineMs: 700, retryMs: 100 },
      commandTimeoutMs: 500,
    });
    const metrics = createPodMetrics(createMetricsRegistry({ defaultMetrics: false }));
    const counter = async (metric: { get(): Promise<{ values: { value: number }[] }> }) =>
      (await metric.get()).values[0]?.value ?? 0;
    const publisher = new Publisher({
      distribution: engine.distribution,
      batchMs: 0,
      logger: logger.child({ component: 'publisher' }),
      metrics,
      failureLogIntervalMs: FAILURE_LOG_INTERVAL_MS,
    });
    let feed: NodeJS.Timeout | undefined;
    let down = false;
    try {
      await engine.distribution.start();
      await engine.election.start();
      await publisher.start();
      let n = 0;
      // An exchange feed's pace: a write every few ms, as when 38 failures filled one second.
      feed = setInterval(() => {
        n += 1;
        publisher.publish([
          {
            exchange: 'binance',
            symbol: 'BTCUSDT',
            last: `${n}`,
            eventTime: Date.now(),
            receiveTime: Date.now(),
          },
        ]);
      }, 10);
      await waitFor(async () => (await counter(metrics.ticksPublished)) > 0, {
        timeoutMs: 5_000,
        what: 'a first batch written',
      });

      await redis.kill!();
      down = true;
      const killedAt = Date.now();
      await waitFor(async () => (await counter(metrics.publishErrors)) >= 30, {
        timeoutMs: 10_000,
        what: '30 failed writes',
      });
      await waitFor(() => lines.filter((line) => line.failures !== undefined).length >= 2, {
        timeoutMs: 5_000,
        what: 'two counts of repeated failures',
      });
      await redis.restart!();
      down = false;
      const outageMs = Date.now() - killedAt;
      const recovered = await waitFor(() => lines.find((line) => line.msg === 'publishing recovered'), {
        timeoutMs: 10_000,
        what: 'the publishing recovered line',
      });
      const errors = await counter(metrics.publishErrors);

      const failed = lines.filter((line) => line.msg === 'publish failed');
      const [first, ...repeats] = failed;
      expect(first).toMatchObject({ level: 'error', component: 'publisher', tickers: expect.any(Number) });
      expect(first!.err).toEqual(expect.any(String));
      expect(first).not.toHaveProperty('failures');
      // One line per interval at most, however many writes failed.
      expect(repeats.length).toBeGreaterThanOrEqual(2);
      expect(repeats.length).toBeLessThanOrEqual(Math.ceil(outageMs / FAILURE_LOG_INTERVAL_MS) + 1);
      expect(failed.length).toBeLessThan(errors);
      for (const line of repeats) {
        expect(line).toMatchObject({ level: 'error', failures: expect.any(Number), err: expect.any(String) });
        expect(line.failures).toBeGreaterThan(0);
      }
      // Every failure is told: the first, the counted ones, and the recovery line's total agree.
      const counted = 1 + repeats.reduce((sum, line) => sum + (line.failures as number), 0);
      expect(recovered).toMatchObject({ level: 'info', component: 'publisher', failures: errors });
      expect(counted).toBeLessThanOrEqual(errors);
      expect(recovered.failingForMs).toBeGreaterThanOrEqual(repeats.at(-1)!.failingForMs as number);
    } finally {
      clearInterval(feed);
      await publisher.stop();
      await engine.election.stop();
      await engine.distribution.stop();
      await engine.close();
      if (down) await redis.restart!();
    }
  });
});
