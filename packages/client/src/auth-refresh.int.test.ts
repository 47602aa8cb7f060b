/**
 * A 401 makes the client ask its `refresh` callback once and retry with what it returns; a
 * second 401 stops it (a stream goes `disconnected` for good, a REST call throws), so a revoked
 * key costs one refresh and two requests, not a loop. The server is a small local HTTP server:
 * the pods have no credentials of their own (the gateway checks them in front of the pods).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@tickwire/testkit';
import { PriceStream } from './price-stream';
import { TickwireClient } from './rest-client';
import type { StreamStatus } from './price-stream-store';

/** How long a client that stopped is watched for another request (10x its longest backoff here). */
const QUIET_MS = 500;
const MAX_BACKOFF_MS = 50;

interface AuthServer {
  url: string;
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** Answers 401 unless the request carries `Bearer <accepted>`; then a stream that says `live`. */
async function authServer(accepted: string | undefined): Promise<AuthServer> {
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.headers);
    if (accepted === undefined || req.headers.authorization !== `Bearer ${accepted}`) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end('{"error":{"code":"UNAUTHORIZED","message":"this key is not valid; ask for a new one"}}');
      return;
    }
    if (req.url?.startsWith('/v1/stream')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('id: 1-0\nevent: snapshot\ndata: {"tickers":[]}\n\n');
      res.write(
        'id: 1-0\nevent: status\ndata: {"state":"live","leaderId":"a","epoch":1,"upstream":null}\n\n',
      );
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"instanceId":"a"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const quietFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a 401', () => {
  let server: AuthServer | undefined;
  let stream: PriceStream | undefined;

  afterEach(async () => {
    stream?.close();
    await server?.close();
    stream = server = undefined;
  });

  it('makes a stream refresh its token once, retry with it, and stop when it is refused too', async () => {
    server = await authServer(undefined);
    let refreshes = 0;
    const statuses: StreamStatus[] = [];
    stream = new PriceStream({
      baseUrl: server.url,
      symbols: ['BTCUSDT'],
      auth: { token: 'old', refresh: () => ({ token: `new-${++refreshes}` }) },
      reconnect: { baseDelayMs: 10, maxDelayMs: MAX_BACKOFF_MS },
    });
    stream.on('status', (status) => statuses.push(status));
    await waitFor(() => stream!.getSnapshot().error, { timeoutMs: 5_000, what: 'the stream to fail' });
    await quietFor(QUIET_MS);

    expect(refreshes).toBe(1);
    expect(server.requests.map((headers) => headers.authorization)).toEqual(['Bearer old', 'Bearer new-1']);
    expect(stream.getSnapshot()).toMatchObject({
      status: 'disconnected',
      error: { code: 'UNAUTHORIZED', status: 401, message: 'this key is not valid; ask for a new one' },
    });
    expect(statuses.at(-1)).toBe('disconnected');
  });

  it('is followed by a stream with the refreshed credentials when the server takes them', async () => {
    server = await authServer('fresh');
    let refreshes = 0;
    stream = new PriceStream({
      baseUrl: server.url,
      symbols: ['BTCUSDT'],
      auth: {
        apiKey: 'k1',
        token: 'expired',
        refresh: async () => ({ apiKey: 'k2', token: (++refreshes, 'fresh') }),
      },
    });
    await waitFor(() => stream!.getSnapshot().status === 'live', { timeoutMs: 5_000, what: 'live' });
    expect(refreshes).toBe(1);
    expect(server.requests.map((headers) => [headers.authorization, headers['x-api-key']])).toEqual([
      ['Bearer expired', 'k1'],
      ['Bearer fresh', 'k2'],
    ]);
  });

  it('makes a REST call refresh once and throw when the new credentials are refused as well', async () => {
    server = await authServer(undefined);
    let refreshes = 0;
    const client = new TickwireClient({
      baseUrl: server.url,
      auth: { token: 'old', refresh: () => (++refreshes === 1 ? { token: 'new' } : undefined) },
    });
    await expect(client.status()).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(refreshes).toBe(1);
    expect(server.requests.map((headers) => headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });
});
