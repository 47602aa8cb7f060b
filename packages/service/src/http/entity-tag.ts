/**
 * Entity tags and If-None-Match (RFC 9110 sections 8.8.3 and 13.1.2), for bodies that are built
 * once and served many times: the tag is computed when the body changes, and a request that
 * already holds it gets a 304 without a body being written.
 */
import { createHash } from 'node:crypto';

/** A weak tag over the body's bytes, the same form express uses: `W/"<length hex>-<hash>"`. */
export function entityTag(body: Buffer): string {
  const hash = createHash('sha1').update(body).digest('base64url').slice(0, 27);
  return `W/"${body.length.toString(16)}-${hash}"`;
}

/**
 * Whether a request's If-None-Match names `etag` (weak comparison: `W/` prefixes are ignored),
 * or is `*`. An absent header never matches.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = stripWeak(etag);
  for (const candidate of header.split(',')) {
    if (stripWeak(candidate.trim()) === opaque) return true;
  }
  return false;
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
