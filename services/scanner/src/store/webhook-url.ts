/**
 * Webhook URLs of destinations: where they may point, and how they are shown. A webhook URL is
 * a secret (whoever has it can post to the channel), so outside the store it only appears
 * redacted: the host and the webhook's id, never its token.
 */

/** Discord's webhook hosts. */
export const DISCORD_WEBHOOK_HOSTS: readonly string[] = [
  'discord.com',
  'discordapp.com',
  'canary.discord.com',
  'ptb.discord.com',
];

/** `/api/webhooks/<id>/<token>` (an optional `/api/v10` version segment). */
const DISCORD_WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\/\d{1,32}\/[A-Za-z0-9_-]{1,128}\/?$/;

/** Why `raw` cannot be a webhook URL, or undefined when it can. `allowedHosts` come from WEBHOOK_HOST_ALLOWLIST. */
export function webhookUrlProblem(raw: string, allowedHosts: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be a URL such as https://discord.com/api/webhooks/<id>/<token>';
  }
  if (url.protocol !== 'https:') return 'must start with https://';
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.hash !== '') return 'must not carry a #fragment';
  const host = url.hostname.toLowerCase();
  if (DISCORD_WEBHOOK_HOSTS.includes(host)) {
    if (url.port !== '') return 'must not name a port';
    if (!DISCORD_WEBHOOK_PATH.test(url.pathname))
      return 'must be a Discord webhook: /api/webhooks/<id>/<token>';
    return undefined;
  }
  if (!allowedHosts.includes(host))
    return `host ${host} is not a Discord webhook host nor in WEBHOOK_HOST_ALLOWLIST`;
  return undefined;
}

/** The URL with everything after the webhook's id (or, elsewhere, the path and query) hidden. */
export function redactWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(redacted)';
  }
  const discordId = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\//.exec(url.pathname)?.[1];
  const kept = discordId === undefined ? '/' : `/api/webhooks/${discordId}/`;
  return `${url.protocol}//${url.host}${kept}***`;
}
