/**
 * Free ports for test servers come from below the ephemeral range, where the kernel never hands
 * a port to an outgoing connection: a port closed there could not be taken before the server that
 * asked for it binds it (a test Redis failed with "Address already in use" that way).
 */
import { readFileSync } from 'node:fs';
import { freePort, isPortFree } from './redis-server';

const ephemeralLow = Number(
  readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
);

describe('freePort', () => {
  it('chooses ports below the ephemeral range that nothing listens on', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralLow);
      expect(await isPortFree(port)).toBe(true);
    }
  });
});
