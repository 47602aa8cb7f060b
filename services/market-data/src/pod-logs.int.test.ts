/** The pod's log lines as a log shipper reads them: JSON objects that name each key once. */
import { openSse, repeatedJsonKeys, waitFor } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

jest.setTimeout(20_000);

describe('market-data pod logs', () => {
  let harness: PodHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('write every key once on every line, nested components included', async () => {
    harness = await startPodHarness({ REST_FALLBACK_POLL_MS: '200' });
    const pod = harness;
    const sse = await openSse(`${pod.url}/v1/stream?symbols=BTCUSDT`);
    try {
      await sse.waitForEvents((events) => events.some((e) => e.event === 'tick'), 5_000);
      // The exchange goes away: the upstream, its connection and its REST fallback all speak.
      pod.sim.faults.refuseConnections(true);
      pod.sim.faults.dropAll();
      await waitFor(() => pod.logs.some((line) => line.component === 'rest-fallback'), {
        timeoutMs: 5_000,
        what: 'a line from the REST fallback',
      });
      // A symbol the exchange does not list: the catalog answers.
      expect((await pod.get('/v1/prices/NOTASYMBOL')).status).toBeGreaterThanOrEqual(400);
    } finally {
      sse.close();
      await pod.stop();
      harness = undefined;
    }

    const components = new Set(pod.logs.map((line) => line.component));
    expect([...components]).toEqual(
      expect.arrayContaining(['pod', 'symbol-catalog', 'upstream', 'rest-fallback']),
    );
    expect(pod.logLines.length).toBe(pod.logs.length);
    expect(pod.logLines.filter((line) => repeatedJsonKeys(line).length > 0)).toEqual([]);
    // The REST fallback is a part of the upstream: it keeps the exchange its parent names.
    expect(pod.logs.find((line) => line.component === 'rest-fallback')).toMatchObject({
      exchange: 'binance',
    });
  });
});
