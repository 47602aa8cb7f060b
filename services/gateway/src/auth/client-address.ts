/** The client's address as the per-IP limits count it. */

/** IPv4 peers of a dual-stack socket arrive as `::ffff:a.b.c.d`; they count as `a.b.c.d`. */
export function clientAddress(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}
