/**
 * The READMEs' bot example works as written: the file they quote, run with node against a real
 * pod, imports the built package by its name, prints live prices, and exits 0 on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startExchangeSim, waitFor, type ExchangeSim, type PodProcess } from '@tickwire/testkit';
import { startPricedPod } from './support/priced-pod';

jest.setTimeout(30_000);

const ROOT = resolve(__dirname, '..');
const EXAMPLE = resolve(ROOT, 'packages/client/examples/price-bot.mjs');

describe('the price bot example', () => {
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;
  let bot: ChildProcess | undefined;

  afterEach(async () => {
    if (bot?.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
    await pod?.stop();
    await sim?.stop();
    bot = pod = sim = undefined;
  });

  it('has a React example quoted whole in both READMEs (test/client-react-hooks.test.ts renders it)', () => {
    const example = readFileSync(resolve(ROOT, 'packages/client/examples/price-board.tsx'), 'utf8');
    for (const readme of ['README.md', 'packages/client/README.md'])
      expect(readFileSync(resolve(ROOT, readme), 'utf8')).toContain(example);
  });

  it('is quoted whole in both READMEs', () => {
    const example = readFileSync(EXAMPLE, 'utf8');
    for (const readme of ['README.md', 'packages/client/README.md'])
      expect(readFileSync(resolve(ROOT, readme), 'utf8')).toContain(example);
  });

  it('prints live prices from a pod and exits 0 on Ctrl-C', async () => {
    sim = await startExchangeSim({ seed: 4, tradesPerSecond: 5, tickerIntervalMs: 250 });
    pod = await startPricedPod(sim, ['BTCUSDT', 'ETHUSDT']);
    const child = (bot = spawn(process.execPath, [EXAMPLE], {
      env: { PATH: process.env.PATH ?? '', TICKWIRE_URL: pod.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));

    const live = () =>
      /^stream live$/m.test(output) &&
      /^BTCUSDT \d+\.\d+$/m.test(output) &&
      /^ETHUSDT \d+\.\d+$/m.test(output);
    await waitFor(live, { timeoutMs: 15_000, what: 'live prices from the bot' }).catch((error: Error) => {
      throw new Error(`${error.message}; it printed:\n${output}`);
    });
    child.kill('SIGINT');
    const code = await waitFor(() => child.exitCode ?? (child.signalCode ? -1 : undefined), {
      timeoutMs: 5_000,
      what: 'the bot to exit',
    });
    expect(code).toBe(0);
    expect(output).not.toMatch(/stream error/);
  });
});
