import { redactWebhookUrl, webhookUrlProblem } from './webhook-url';

describe('webhook URLs', () => {
  const discord = 'https://discord.com/api/webhooks/123456789/abc-DEF_123';

  it("accept Discord's webhooks and allow-listed hosts over https only", () => {
    expect(webhookUrlProblem(discord, [])).toBeUndefined();
    expect(webhookUrlProblem('https://ptb.discord.com/api/v10/webhooks/1/x', [])).toBeUndefined();
    expect(webhookUrlProblem('https://hooks.example.com/a', ['hooks.example.com'])).toBeUndefined();
    expect(webhookUrlProblem(discord.replace('https', 'http'), [])).toBe('must start with https://');
    expect(webhookUrlProblem('https://discord.com/channels/1/2', [])).toContain('/api/webhooks/');
    expect(webhookUrlProblem('https://discord.com.evil.example/api/webhooks/1/x', [])).toContain(
      'not a Discord',
    );
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/a', ['hooks.example.com'])).toContain(
      'password',
    );
    expect(webhookUrlProblem('not a url', [])).toContain('must be a URL');
  });

  it('are shown without their token', () => {
    expect(redactWebhookUrl(discord)).toBe('https://discord.com/api/webhooks/123456789/***');
    expect(redactWebhookUrl('https://hooks.example.com/secret/path?key=1')).toBe(
      'https://hooks.example.com/***',
    );
  });
});
