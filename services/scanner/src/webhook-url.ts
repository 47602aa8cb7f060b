/**
 * Webhook URLs are secrets: whoever holds one can post to the channel. They are validated
 * before they are stored or used (https, an allowed host, Discord's execute-webhook path) and
 * only ever shown redacted: the webhook id and the first characters of the token.
 * Path shape: https://discord.com/developers/docs/resources/webhook#execute-webhook
 */

/** Discord's own hosts; the allow-list setting can add others (a proxy, a test server). */
export const DISCORD_WEBHOOK_HOSTS: readonly string[] = Object.freeze([
  'discord.com',
  'discordapp.com',
  'canary.discord.com',
  'ptb.discord.com',
]);

/** Characters of the token shown in logs and answers. */
export const SHOWN_TOKEN_CHARS = 4;

/** `/api/webhooks/{id}/{token}`, optionally with an API version (`/api/v10/...`). */
const WEBHOOK_PATH_RE = /^\/api(?:\/v\d{1,2})?\/webhooks\/(\d{1,25})\/([A-Za-z0-9_-]{1,100})\/?$/u;
/** The one query parameter that keeps its meaning without `wait`: post into a thread. */
const THREAD_QUERY_RE = /^\?thread_id=\d{1,25}$/u;

export interface WebhookTarget {
  webhookId: string;
  token: string;
  /** `<id>/<token prefix>…`: what logs and answers may show. */
  redacted: string;
}

export type WebhookUrlCheck = { ok: true; target: WebhookTarget } | { ok: false; problem: string };

/**
 * Checks `url` against the allow-list. An entry is a host name, allowed over https only
 * (`discord.com`), or an origin with a scheme, allowed as written (`http://127.0.0.1:8080`, or
 * `http://127.0.0.1` for any port of that host), for local tests and proxies.
 */
export function checkWebhookUrl(
  url: string,
  allowedHosts: readonly string[] = DISCORD_WEBHOOK_HOSTS,
): WebhookUrlCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, problem: 'the webhook URL is not a URL' };
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return { ok: false, problem: 'the webhook URL must not carry credentials' };
  }
  if (!isAllowedOrigin(parsed, allowedHosts)) {
    return {
      ok: false,
      problem: `the webhook URL must be https on an allowed host (${allowedHosts.join(', ')}); got ${parsed.protocol}//${parsed.host}`,
    };
  }
  const match = WEBHOOK_PATH_RE.exec(parsed.pathname);
  if (match === null) {
    return { ok: false, problem: 'the webhook URL must read <host>/api/webhooks/<id>/<token>' };
  }
  if (parsed.search !== '' && !THREAD_QUERY_RE.test(parsed.search)) {
    return { ok: false, problem: 'the webhook URL may only carry ?thread_id=<id> as a query' };
  }
  if (parsed.hash !== '') return { ok: false, problem: 'the webhook URL must not carry a fragment' };
  const webhookId = match[1]!;
  const token = match[2]!;
  return { ok: true, target: { webhookId, token, redacted: redactToken(webhookId, token) } };
}

/**
 * What may be shown of a webhook URL: the host, the id and a token prefix. Anything that is
 * not a recognisable webhook URL is hidden whole.
 */
export function redactWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const match = WEBHOOK_PATH_RE.exec(parsed.pathname);
    if (match === null) return `${parsed.protocol}//${parsed.host}/…`;
    return `${parsed.protocol}//${parsed.host}/api/webhooks/${redactToken(match[1]!, match[2]!)}`;
  } catch {
    return '(invalid URL)';
  }
}

function redactToken(webhookId: string, token: string): string {
  return `${webhookId}/${token.slice(0, SHOWN_TOKEN_CHARS)}…`;
}

function isAllowedOrigin(url: URL, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((entry) => {
    if (!entry.includes('://')) return url.protocol === 'https:' && url.hostname === entry.toLowerCase();
    try {
      const allowed = new URL(entry);
      if (allowed.protocol !== url.protocol || allowed.hostname !== url.hostname) return false;
      return allowed.port === '' || allowed.port === url.port;
    } catch {
      return false;
    }
  });
}
