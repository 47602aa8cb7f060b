/**
 * The replica pool against real local replicas answering `/readyz`: which failures of a
 * forwarded request take a replica out of rotation at once, and which only count.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { createLogger } from '@tickwire/observability';
import { STRIKES_BEFORE_DOWN, UpstreamPool } from './upstream-pool';

const failure = (code: string) => Object.assign(new Error(`${code} from the test`), { code });

describe('the upstream pool', () => {
  let server: Server;
  let agent: Agent;
  let pool: UpstreamPool;
  let url: string;

  beforeEach(async () => {
    server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    agent = new Agent();
    // Probes an hour apart: only the start's probe runs, so what follows is the requests' doing.
    pool = new UpstreamPool({
      urls: [url],
      kind: 'scanner',
      intervalMs: 3_600_000,
      dispatcher: agent,
      logger: createLogger({ level: 'silent', service: 'test' }),
    });
    await pool.start();
  });
  afterEach(async () => {
    await pool.stop();
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps the only replica after one reset socket, and drops it after two in a row', () => {
    expect(pool.pick()).toBe(url);
    pool.requestFailed(url, failure('ECONNRESET'));
    expect(pool.pick()).toBe(url);
    for (let i = 1; i < STRIKES_BEFORE_DOWN; i++) pool.requestFailed(url, failure('UND_ERR_SOCKET'));
    expect(pool.pick()).toBeUndefined();
    expect(pool.states()[0]!.reason).toContain('UND_ERR_SOCKET');
  });

  it('clears the strikes when a request is answered', () => {
    pool.requestFailed(url, failure('ECONNRESET'));
    pool.requestAnswered(url);
    pool.requestFailed(url, failure('ECONNRESET'));
    expect(pool.pick()).toBe(url);
  });

  it('drops a replica that refuses a connection at once', () => {
    pool.requestFailed(url, failure('ECONNREFUSED'));
    expect(pool.pick()).toBeUndefined();
  });
});
