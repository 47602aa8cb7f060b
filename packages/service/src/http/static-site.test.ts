/** The static-site routes on a real server on 127.0.0.1, over a site written to a temporary folder. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tickwire/observability';
import { CorsPolicy } from './cors-policy';
import { createServiceApp } from './service-app';
import { createServiceServer } from './service-server';
import { STATIC_PAGE_CSP, staticSiteRoutes } from './static-site';

const PAGE = '<!doctype html><script type="module" src="/site/assets/app-1a2b.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4_000))});`;

describe('staticSiteRoutes', () => {
  let root: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'static-site-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), PAGE);
    writeFileSync(join(root, 'assets/app-1a2b.js'), SCRIPT);
    const cors = new CorsPolicy([]);
    const site = staticSiteRoutes({ root, prefix: '/site/', cors });
    const app = createServiceApp({
      routers: [site!],
      logger: createLogger({ level: 'silent', service: 'test' }),
    });
    server = createServiceServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the page at / and at its prefix, revalidated, with a policy that admits only its own files', async () => {
    for (const path of ['/', '/site/', '/site/index.html']) {
      const res = await fetch(`${url}${path}`);
      expect([res.status, await res.text()]).toEqual([200, PAGE]);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(STATIC_PAGE_CSP);
    }
  });

  it('serves hashed assets gzipped when asked, cached for good, and 304 for a known entity tag', async () => {
    const res = await fetch(`${url}/site/assets/app-1a2b.js`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(Number(res.headers.get('content-length'))).toBeLessThan(SCRIPT.length / 10);
    expect(await res.text()).toBe(SCRIPT); // fetch inflates it
    const raw = await fetch(`${url}/site/assets/app-1a2b.js`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(raw.headers.get('content-encoding')).toBeNull();
    expect(Number(raw.headers.get('content-length'))).toBe(SCRIPT.length);
    const again = await fetch(`${url}/site/assets/app-1a2b.js`, {
      headers: { 'If-None-Match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('leaves other paths to the routes after it, and answers other methods and parameters by the shared rules', async () => {
    const missing = await fetch(`${url}/site/assets/nope.js`);
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([
      404,
      'NOT_FOUND',
    ]);
    const post = await fetch(`${url}/`, { method: 'POST' });
    expect(post.status).toBe(405);
    const query = await fetch(`${url}/?debug=1`);
    expect([query.status, ((await query.json()) as { error: { code: string } }).error.code]).toEqual([
      400,
      'UNKNOWN_PARAMETER',
    ]);
  });

  it('is absent for a folder without index.html (a site not built)', () => {
    expect(
      staticSiteRoutes({ root: join(root, 'assets'), prefix: '/site/', cors: new CorsPolicy([]) }),
    ).toBeUndefined();
  });
});
