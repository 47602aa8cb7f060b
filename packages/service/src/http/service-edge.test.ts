/** The shared HTTP edge on a real server on 127.0.0.1, raw sockets for what node's parser refuses. */
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Router } from 'express';
import { createLogger } from '@tickwire/observability';
import { CorsPolicy } from './cors-policy';
import { withEdgeHeaders } from './edge-headers';
import { readRoute } from './read-route';
import { createServiceApp } from './service-app';
import { createServiceServer } from './service-server';

const ALLOWED = 'https://app.example.com';

/** Sends raw bytes and reads until the server closes; bounded. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 5 s; got ${JSON.stringify(reply)}`));
    }, 5_000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(reply);
    });
    socket.write(request);
  });
}

function parseReply(reply: string): { status: number; headers: string; body: string } {
  const [head = '', body = ''] = reply.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body };
}

describe('the service edge', () => {
  let server: Server;
  let url: string;
  let port: number;

  beforeAll(async () => {
    const cors = new CorsPolicy([ALLOWED]);
    const router = Router();
    readRoute(router, '/things/:id', { params: ['limit'], cors }, (req, res) => {
      res.json({ id: req.params.id });
    });
    // Node's parser reports a bad body only to a request whose answer has not started yet.
    readRoute(router, '/later', { params: [], cors }, async (_req, res) => {
      await new Promise((resolve) => setImmediate(resolve));
      res.json({ later: true });
    });
    const app = createServiceApp({
      routers: [router],
      logger: createLogger({ level: 'silent', service: 'test' }),
    });
    server = createServiceServer(withEdgeHeaders(app, cors));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves a route with nosniff and no CORS header for a request without Origin', async () => {
    const res = await fetch(`${url}/things/1?limit=2`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers an unknown parameter, an unknown path and another method with JSON errors', async () => {
    const unknown = await fetch(`${url}/things/1?limt=2`);
    expect([unknown.status, await unknown.json()]).toEqual([
      400,
      {
        error: {
          code: 'UNKNOWN_PARAMETER',
          message: 'unknown query parameter "limt": this route takes limit',
        },
      },
    ]);
    const missing = await fetch(`${url}/nothing`);
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([
      404,
      'NOT_FOUND',
    ]);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    const post = await fetch(`${url}/things/1`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('answers OPTIONS with Allow, and a preflight from an allowed origin only', async () => {
    const plain = await fetch(`${url}/things/1`, { method: 'OPTIONS' });
    expect([plain.status, plain.headers.get('allow')]).toEqual([204, 'GET, HEAD, OPTIONS']);
    const preflight = (origin: string) =>
      fetch(`${url}/things/1`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'last-event-id',
        },
      });
    const allowed = await preflight(ALLOWED);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('last-event-id');
    const denied = await preflight('https://evil.example');
    expect(denied.status).toBe(204);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    expect(denied.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('lets an allowed origin read responses and errors, and no other', async () => {
    const allowed = await fetch(`${url}/nothing`, { headers: { Origin: ALLOWED } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('vary')).toContain('Origin');
    const denied = await fetch(`${url}/things/1`, { headers: { Origin: 'https://evil.example' } });
    expect(denied.status).toBe(200);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers headers over the limit with a JSON 431', async () => {
    const reply = parseReply(
      await rawExchange(port, `GET /things/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    expect(reply.status).toBe(431);
    expect(reply.headers).toContain('content-type: application/json');
    expect(reply.headers).toContain('x-content-type-options: nosniff');
    expect((JSON.parse(reply.body) as { error: { code: string } }).error.code).toBe('HEADERS_TOO_LARGE');
  });

  it('answers oversized chunk extensions with a JSON 413', async () => {
    const reply = parseReply(
      await rawExchange(
        port,
        `GET /later HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;${'a'.repeat(20_000)}\r\nx\r\n0\r\n\r\n`,
      ),
    );
    expect(reply.status).toBe(413);
    expect((JSON.parse(reply.body) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a request node cannot parse with a JSON 400', async () => {
    const reply = parseReply(await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(reply.status).toBe(400);
    expect((JSON.parse(reply.body) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });
});
