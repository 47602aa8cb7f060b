/**
 * The built pod as a real child process against the simulator: prices within 5 s of listening,
 * an SSE client receiving ticks, a graceful SIGTERM, and the README's offline quick start.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import {
  openSse,
  SERVICE_LISTEN_TIMEOUT_MS,
  startExchangeSim,
  startPodProcess,
  waitFor,
  type ExchangeSim,
  type PodProcess,
} from '@tickwire/testkit';

jest.setTimeout(30_000);

describe('market-data pod process', () => {
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;

  afterEach(async () => {
    await pod?.stop();
    await sim?.stop();
    pod = undefined;
    sim = undefined;
  });

  it('serves prices within 5 s of listening and ends streams cleanly on SIGTERM', async () => {
    sim = await startExchangeSim({ seed: 3, tradesPerSecond: 10, tickerIntervalMs: 250 });
    // Starting node and the built code takes what the machine gives (SERVICE_LISTEN_TIMEOUT_MS);
    // from listening, the pod's own work: connect to the exchange and serve its first price.
    pod = await startPodProcess({
      BINANCE_WS_URL: sim.wsUrl,
      BINANCE_REST_URL: sim.url,
      SYMBOLS: 'BTCUSDT,ETHUSDT',
      SHUTDOWN_GRACE_MS: '3000',
    });
    const podUrl = pod.url;
    const listeningAt = Date.now();
    await waitFor(async () => (await fetch(`${podUrl}/v1/prices/BTCUSDT`)).status === 200, {
      timeoutMs: 5_000,
      what: 'a BTCUSDT price',
    });
    expect(Date.now() - listeningAt).toBeLessThan(5_000);

    const sse = await openSse(`${podUrl}/v1/stream?symbols=BTCUSDT,ETHUSDT`);
    try {
      await sse.waitForEvents((events) => events.filter((e) => e.event === 'tick').length >= 3, 5_000);
      const sigtermAt = Date.now();
      pod.kill('SIGTERM');
      const exit = await pod.exited(5_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - sigtermAt).toBeLessThan(3_000);
      // The stream ended with a final status event rather than a reset.
      await waitFor(() => sse.closed, { timeoutMs: 5_000, what: 'the SSE stream to end' });
      expect(sse.events.at(-1)).toMatchObject({ event: 'status' });
      expect(JSON.parse(sse.events.at(-1)!.data)).toMatchObject({ state: 'closing' });
      expect(pod.logs.some((line) => line.msg === 'pod stopped')).toBe(true);
      // The exchange connection was closed too.
      await waitFor(() => sim!.stats().wsConnections === 0, {
        timeoutMs: 5_000,
        what: 'the exchange socket to close',
      });
    } finally {
      sse.close();
    }
  });

  it('refuses to start on invalid configuration, naming every problem', async () => {
    await expect(startPodProcess({ PORT: 'x', SYMBOLS: 'BAD SYMBOL' }, 5_000)).rejects.toThrow(
      /PORT[\s\S]*SYMBOLS/,
    );
  });

  it(
    'runs offline against the bundled simulator with the README command',
    async () => {
      // Its own process group: the script starts the pod as its child, and a failed test kills both.
      const child = spawn(process.execPath, [resolve(__dirname, '../scripts/start-offline.js')], {
        env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      let exited = false;
      child.once('exit', () => (exited = true));
      try {
        // Two processes start one after the other (the script with its simulator, then the pod),
        // each given the time any service process gets to listen.
        await waitFor(() => /exchange simulator on/.test(output), {
          timeoutMs: SERVICE_LISTEN_TIMEOUT_MS,
          what: 'the offline simulator to listen',
        });
        const port = await waitFor(
          () => /"msg":"listening"/.test(output) && Number(/"port":(\d+)/.exec(output)?.[1]),
          { timeoutMs: SERVICE_LISTEN_TIMEOUT_MS, what: 'the offline pod to listen' },
        );
        await waitFor(
          async () => (await fetch(`http://127.0.0.1:${port}/v1/prices/BTCUSDT`)).status === 200,
          { timeoutMs: 5_000, what: 'an offline price' },
        );
        child.kill('SIGTERM');
        await waitFor(() => exited, { timeoutMs: 5_000, what: 'the offline script to exit' });
      } catch (error) {
        throw new Error(`${(error as Error).message}; output: ${output.slice(0, 1_000)}`, { cause: error });
      } finally {
        if (!exited) {
          process.kill(-child.pid!, 'SIGKILL');
          await waitFor(() => exited, { timeoutMs: 5_000, what: 'the offline script to be killed' });
        }
      }
    },
    2 * SERVICE_LISTEN_TIMEOUT_MS + 15_000,
  );
});
