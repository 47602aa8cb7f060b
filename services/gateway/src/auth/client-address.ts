/**
 * The client's address as the per-IP limits count it: the peer, or, behind TRUST_PROXY_HOPS
 * proxies, the address that many hops from the right of `X-Forwarded-For`. Express (req.ip) and
 * the throttle guard in front of it read it with the same trust function, so they always agree.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** Whether hop `hop` of a request's address chain (0: the peer) is one of our proxies. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** The first `count` hops (the load balancers in front) are ours; the next one is the client. */
export function trustedProxyHops(count: number): ProxyTrust {
  return (_address, hop) => hop < count;
}

/** IPv4 peers of a dual-stack socket arrive as `::ffff:a.b.c.d`; they count as `a.b.c.d`. */
export function clientAddress(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}

/** A raw request's client address, as express computes `req.ip` with the same trust. */
export function requestClientAddress(req: IncomingMessage, trust: ProxyTrust): string {
  return clientAddress(proxyaddr(req, trust));
}
