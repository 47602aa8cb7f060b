import { startDiscordWebhookServer, type DiscordWebhookServer } from '@tickwire/testkit';
import { testSignal } from '../testing/signal-fixtures';
import { buildDiscordMessage } from './discord-message';
import { DiscordWebhookSender } from './discord-webhook-sender';
import { checkWebhookUrl, type WebhookTarget } from '../webhook-url';

describe('Discord webhook sender', () => {
  let server: DiscordWebhookServer;
  afterEach(async () => {
    await server.close();
  });

  const targetOf = (url: string): WebhookTarget => {
    const check = checkWebhookUrl(url, [server.origin]);
    if (!check.ok) throw new Error(check.problem);
    return check.target;
  };
  const { message } = buildDiscordMessage([testSignal(1)]);

  it('waits out an announced empty bucket before a 429 can happen', async () => {
    server = await startDiscordWebhookServer({ bucketLimit: 2, bucketWindowMs: 10_000 });
    const webhook = server.createWebhook();
    const target = targetOf(webhook.url);
    const sender = new DiscordWebhookSender();
    expect(await sender.send(webhook.url, target, message)).toEqual({ kind: 'delivered', status: 204 });
    expect(sender.readyAt(target)).toBeLessThanOrEqual(Date.now());
    expect(await sender.send(webhook.url, target, message)).toEqual({ kind: 'delivered', status: 204 });
    // Remaining 0 with about 10 s until the reset (less any stall since the first request): the
    // webhook is not ready before then.
    expect(sender.readyAt(target) - Date.now()).toBeGreaterThan(6_000);
  });

  it("reads a 429's retry_after from the body and holds every webhook when it is global", async () => {
    server = await startDiscordWebhookServer({ globalLimit: { requests: 1, windowMs: 10_000 } });
    const a = server.createWebhook();
    const b = server.createWebhook();
    const sender = new DiscordWebhookSender();
    expect((await sender.send(a.url, targetOf(a.url), message)).kind).toBe('delivered');
    const before = Date.now();
    const outcome = await sender.send(b.url, targetOf(b.url), message);
    expect(outcome).toMatchObject({ kind: 'rate-limited', scope: 'global' });
    if (outcome.kind !== 'rate-limited') throw new Error('unreachable');
    // About 10 s, less any stall since the first request; above the 5 s held for an unstated wait.
    expect(outcome.retryAt - before).toBeGreaterThan(6_000);
    expect(sender.readyAt(targetOf(a.url))).toBe(outcome.retryAt);
    expect(sender.readyAt(targetOf(b.url))).toBe(outcome.retryAt);
  });

  it('tells a deleted webhook, a refused message and a server error apart', async () => {
    server = await startDiscordWebhookServer();
    const sender = new DiscordWebhookSender();
    const gone = server.createWebhook();
    server.deleteWebhook(gone.id);
    expect(await sender.send(gone.url, targetOf(gone.url), message)).toEqual({
      kind: 'gone',
      status: 404,
      reason: 'Discord answered HTTP 404: Unknown Webhook (code 10015)',
    });
    const webhook = server.createWebhook();
    const tooLong = { ...message, content: 'x'.repeat(2_001) };
    expect(await sender.send(webhook.url, targetOf(webhook.url), tooLong)).toMatchObject({
      kind: 'rejected',
      status: 400,
    });
    server.setFault(webhook.id, 'error');
    expect(await sender.send(webhook.url, targetOf(webhook.url), message)).toMatchObject({ kind: 'failed' });
  });
});
