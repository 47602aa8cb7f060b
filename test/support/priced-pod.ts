/**
 * One pod of the memory engine (a child process) on a simulator, for tests of what clients see:
 * started, and ready once it has a price for each of its symbols. And what the pod counted of
 * the requests it served.
 */
import {
  parsePrometheusText,
  sampleValue,
  startPodProcess,
  waitFor,
  type ExchangeSim,
  type PodProcess,
} from '@tickwire/testkit';

/** Starts a pod on `sim` carrying `symbols`, and waits until it has a price for each. */
export async function startPricedPod(
  sim: ExchangeSim,
  symbols: readonly string[],
  env: Record<string, string> = {},
): Promise<PodProcess> {
  const pod = await startPodProcess({
    BINANCE_WS_URL: sim.wsUrl,
    BINANCE_REST_URL: sim.url,
    SYMBOLS: symbols.join(','),
    ...env,
  });
  try {
    await waitFor(
      async () => {
        const response = await fetch(`${pod.url}/v1/prices?symbols=${symbols.join(',')}`);
        return response.ok && ((await response.json()) as { missing: string[] }).missing.length === 0;
      },
      { timeoutMs: 10_000, what: `prices of ${symbols.join(', ')}` },
    );
    return pod;
  } catch (error) {
    await pod.stop();
    throw error;
  }
}

/** `tickwire_http_requests_total` of one route and status, as the pod counted them. */
export async function requestsServed(pod: PodProcess, route: string, status: number): Promise<number> {
  const text = await (await fetch(`${pod.url}/metrics`)).text();
  return sampleValue(parsePrometheusText(text), 'tickwire_http_requests_total', {
    route,
    status: String(status),
  });
}
