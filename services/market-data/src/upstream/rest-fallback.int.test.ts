/**
 * The REST fallback against a local HTTP server answering as Massive does to a key whose plan
 * has no snapshot: what an answer says of the account is kept even when the fallback was
 * stopped while the request was in flight (the socket opened meanwhile).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMassiveAdapter } from '@tickwire/exchanges';
import { createLogger } from '@tickwire/observability';
import { waitFor } from '@tickwire/testkit';
import { testRestClient } from '../testing/rest-client';
import { RestFallback } from './rest-fallback';

const NOT_ENTITLED = JSON.stringify({
  status: 'NOT_AUTHORIZED',
  request_id: 'r1',
  message: 'You are not entitled to this data. Please upgrade your plan at https://massive.com/pricing',
});

describe('the REST fallback', () => {
  let server: Server;
  let requests = 0;
  /** Lets the held answer go. */
  let answer: (() => void) | undefined;
  let fallback: RestFallback | undefined;

  beforeEach(async () => {
    requests = 0;
    server = createServer((_req, res) => {
      requests += 1;
      answer = () => res.writeHead(403, { 'content-type': 'application/json' }).end(NOT_ENTITLED);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    fallback?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps a plan refusal that answers a poll stopped in flight: it never asks again', async () => {
    const restBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const adapter = createMassiveAdapter({ apiKey: 'test-key-free-plan-0001' });
    fallback = new RestFallback({
      adapter,
      restBaseUrl,
      rest: testRestClient([{ adapter, restBaseUrl }]),
      symbols: () => ['MASSIVE:AAPL'],
      pollMs: 50,
      logger: createLogger({ level: 'silent', service: 'test' }),
      onUpdates: () => undefined,
    });
    fallback.start();
    await waitFor(() => answer !== undefined, { timeoutMs: 5_000, what: 'the first poll at the server' });
    // The socket opens: polling stops while the exchange is still answering.
    fallback.stop();
    answer!();
    const status = await waitFor(
      () => (fallback!.status().state === 'refused' ? fallback!.status() : undefined),
      {
        timeoutMs: 5_000,
        what: 'the refusal kept',
      },
    );
    expect(status.refusal).toContain('not entitled');
    // The socket is refused in turn: the fallback is asked to stand in again, and does not ask.
    fallback.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requests).toBe(1);
  });
});
