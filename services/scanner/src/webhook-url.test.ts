import { checkWebhookUrl, redactWebhookUrl } from './webhook-url';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcdefghijklmnopqrstuvwxyzABCDEF';

describe('webhook URL validation', () => {
  it.each([
    `https://discord.com/api/webhooks/123456789012345678/${TOKEN}`,
    `https://discordapp.com/api/webhooks/123456789012345678/${TOKEN}`,
    `https://canary.discord.com/api/webhooks/123456789012345678/${TOKEN}`,
    `https://ptb.discord.com/api/v10/webhooks/123456789012345678/${TOKEN}`,
    `https://discord.com/api/webhooks/123456789012345678/${TOKEN}?thread_id=42`,
  ])('accepts %s', (url) => {
    const check = checkWebhookUrl(url);
    expect(check).toEqual({
      ok: true,
      target: { webhookId: '123456789012345678', token: TOKEN, redacted: '123456789012345678/AbCd…' },
    });
  });

  it.each([
    ['http on a Discord host', `http://discord.com/api/webhooks/1/${TOKEN}`, /https/],
    ['another host', `https://evil.example/api/webhooks/1/${TOKEN}`, /allowed host/],
    ['a look-alike host', `https://discord.com.evil.example/api/webhooks/1/${TOKEN}`, /allowed host/],
    ['another path', `https://discord.com/api/channels/1/messages`, /api\/webhooks/],
    ['credentials', `https://user:pw@discord.com/api/webhooks/1/${TOKEN}`, /credentials/],
    ['another query', `https://discord.com/api/webhooks/1/${TOKEN}?wait=true`, /thread_id/],
    ['no URL at all', 'discord webhook', /not a URL/],
  ])('refuses %s', (_name, url, problem) => {
    const check = checkWebhookUrl(url);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.problem).toMatch(problem);
      expect(check.problem).not.toContain(TOKEN);
    }
  });

  it('allows a local origin only when the allow-list names it, on its port or any port', () => {
    const url = `http://127.0.0.1:4567/api/webhooks/1/${TOKEN}`;
    expect(checkWebhookUrl(url).ok).toBe(false);
    expect(checkWebhookUrl(url, ['http://127.0.0.1']).ok).toBe(true);
    expect(checkWebhookUrl(url, ['http://127.0.0.1:4567']).ok).toBe(true);
    expect(checkWebhookUrl(url, ['http://127.0.0.1:9999']).ok).toBe(false);
    expect(checkWebhookUrl(url, ['127.0.0.1']).ok).toBe(false);
  });
});

describe('webhook URL redaction', () => {
  it('shows the host, the webhook id and the first four characters of the token only', () => {
    const redacted = redactWebhookUrl(`https://discord.com/api/webhooks/123/${TOKEN}`);
    expect(redacted).toBe('https://discord.com/api/webhooks/123/AbCd…');
  });

  it('hides anything that is not a webhook URL whole', () => {
    expect(redactWebhookUrl('https://example.com/secret/path?token=x')).toBe('https://example.com/…');
    expect(redactWebhookUrl('not a url')).toBe('(invalid URL)');
  });
});
