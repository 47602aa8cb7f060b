/**
 * Zod fields for environment variables, so every service reads integers, durations, lists,
 * URLs and flags the same way and says the same thing when one is wrong.
 */
import { z } from 'zod';

/** A whole number in [min, max]; `unit` names it in the error (`ms`). */
export function envInteger(min: number, max: number, unit?: string) {
  const range = `must be a whole number${unit === undefined ? '' : ` of ${unit}`} from ${min} to ${max}`;
  return z.coerce.number(range).int(range).min(min, range).max(max, range);
}

/** A duration in whole milliseconds in [min, max]. */
export function envMilliseconds(min: number, max: number) {
  return envInteger(min, max, 'ms');
}

/** A comma list; blanks around items and empty items are dropped. */
export function envList() {
  return z.string().transform((raw) =>
    raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
}

/** A URL with one of `protocols` (`['wss:', 'ws:']`). */
export function envUrl(protocols: readonly string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );
}

/** true/false, 1/0 or yes/no. */
export function envFlag() {
  return z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((value) => value === 'true' || value === '1' || value === 'yes');
}

/** Browser origins (`https://app.example.com`, no path), or `*` for any. */
export function envOrigins() {
  return envList().superRefine((origins, ctx) => {
    for (const origin of origins) {
      if (origin !== '*' && !isOrigin(origin))
        ctx.addIssue({
          code: 'custom',
          message: `"${origin}" is not an origin: write scheme://host[:port] without a path, or *`,
        });
    }
  });
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** Host names (`hooks.example.com`), lower-cased; no scheme, port or path. */
export function envHostnames() {
  return envList()
    .transform((hosts) => hosts.map((host) => host.toLowerCase()))
    .superRefine((hosts, ctx) => {
      for (const host of hosts) {
        if (!HOSTNAME_PATTERN.test(host))
          ctx.addIssue({
            code: 'custom',
            message: `"${host}" is not a host name: write it without scheme, port or path (hooks.example.com)`,
          });
      }
    });
}

const HOSTNAME_PATTERN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A secret of at least `minBytes` bytes (UTF-8); the message says how to make one, never echoes it. */
export function envSecret(minBytes: number) {
  return z
    .string()
    .refine(
      (value) => Buffer.byteLength(value, 'utf8') >= minBytes,
      `must be at least ${minBytes} bytes: generate one with \`openssl rand -base64 48\``,
    );
}
