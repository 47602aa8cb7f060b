import { connect } from 'node:net';
import { startDiscordWebhookServer, type DiscordWebhookServer } from './discord-webhook-server';

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('Discord-compatible webhook server', () => {
  let server: DiscordWebhookServer;
  beforeEach(async () => {
    server = await startDiscordWebhookServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('counts a bucket of 5 per webhook in its headers and answers the sixth with a 429 and retry_after', async () => {
    // The six requests must fall in one window: the default 2 s does not outlast a stall of this
    // process, which runs the server too.
    await server.close();
    server = await startDiscordWebhookServer({ bucketWindowMs: 30_000 });
    const webhook = server.createWebhook();
    const other = server.createWebhook();
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await post(webhook.url, { content: `m${i}` });
      expect(response.status).toBe(204);
      expect(response.headers.get('x-ratelimit-limit')).toBe('5');
      expect(Number(response.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
      expect(Number(response.headers.get('x-ratelimit-reset-after'))).toBeLessThanOrEqual(30);
      expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1_000 - 1);
      expect(response.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
      remaining.push(response.headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const limited = await post(webhook.url, { content: 'too many' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await limited.json()) as { retry_after: number; global: boolean };
    expect(body.global).toBe(false);
    expect(body.retry_after).toBeGreaterThan(0);
    expect(body.retry_after).toBeLessThanOrEqual(30);
    // Another webhook has its own bucket.
    expect((await post(other.url, { content: 'hi' })).status).toBe(204);
    expect(server.messages(webhook.id).map((m) => m.content)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('answers a deleted webhook with Unknown Webhook and a wrong token with 401', async () => {
    const webhook = server.createWebhook();
    expect((await post(webhook.url.replace(/[^/]+$/, 'wrong'), { content: 'x' })).status).toBe(401);
    server.deleteWebhook(webhook.id);
    const response = await post(webhook.url, { content: 'x' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Unknown Webhook', code: 10015 });
  });

  it.each([
    ['an empty message', {}],
    ['content over 2000 characters', { content: 'x'.repeat(2_001) }],
    ['more than 10 embeds', { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }],
    ['a title over 256', { embeds: [{ title: 'x'.repeat(257) }] }],
    ['a description over 4096', { embeds: [{ description: 'x'.repeat(4_097) }] }],
    [
      'more than 25 fields',
      { embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }] },
    ],
    ['a field value over 1024', { embeds: [{ fields: [{ name: 'n', value: 'x'.repeat(1_025) }] }] }],
    [
      'embed text over 6000 in all',
      { embeds: Array.from({ length: 2 }, () => ({ description: 'x'.repeat(3_001) })) },
    ],
  ])('refuses %s with a 400', async (_name, body) => {
    const webhook = server.createWebhook();
    expect((await post(webhook.url, body)).status).toBe(400);
    expect(server.messages(webhook.id)).toHaveLength(0);
  });

  it('fails a webhook on demand: a cut connection or a 500', async () => {
    const webhook = server.createWebhook();
    server.setFault(webhook.id, 'reset');
    await expect(post(webhook.url, { content: 'x' })).rejects.toThrow();
    server.setFault(webhook.id, 'error');
    expect((await post(webhook.url, { content: 'x' })).status).toBe(500);
    server.setFault(webhook.id, undefined);
    expect((await post(webhook.url, { content: 'x' })).status).toBe(204);
    expect(server.requests(webhook.id).map((r) => r.status)).toEqual([0, 500, 204]);
  });

  it('applies a global limit over every webhook when asked', async () => {
    await server.close();
    server = await startDiscordWebhookServer({ globalLimit: { requests: 2, windowMs: 10_000 } });
    const a = server.createWebhook();
    const b = server.createWebhook();
    expect((await post(a.url, { content: '1' })).status).toBe(204);
    expect((await post(b.url, { content: '2' })).status).toBe(204);
    const limited = await post(a.url, { content: '3' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-global')).toBe('true');
    expect(((await limited.json()) as { global: boolean }).global).toBe(true);
  });

  it('catches up with requests that reached it and were not read yet', async () => {
    const webhook = server.createWebhook();
    const { pathname, host } = new URL(webhook.url);
    const body = JSON.stringify({ content: 'in flight' });
    const socket = connect(Number(new URL(server.origin).port), '127.0.0.1');
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      // Sent, not read: the server runs on this event loop, which has not turned since.
      expect(server.messages(webhook.id)).toHaveLength(0);
      await server.caughtUp();
      expect(server.messages(webhook.id).map((m) => m.content)).toEqual(['in flight']);
    } finally {
      socket.destroy();
    }
  });
});
