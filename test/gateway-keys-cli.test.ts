/**
 * `pnpm keys` and a gateway as real processes on one Redis: a key created by the CLI is shown
 * once, works at the gateway, is listed without its secret, and once revoked is refused; the
 * gateway exits cleanly on SIGTERM.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  freePort,
  startGatewayProcess,
  startTestRedis,
  type PodProcess,
  type TestRedis,
} from '@tickwire/testkit';

jest.setTimeout(60_000);

const KEYS_CLI = resolve(__dirname, '../services/gateway/dist/cli/keys.js');

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.stop();
});

interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

function keysCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [KEYS_CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolvePromise({ status, stdout, stderr });
      },
    );
  });
}

describe('pnpm keys', () => {
  it('creates a key shown once, lists it without the secret, and revokes it on the gateway', async () => {
    const env = { REDIS_URL: redis.url, GATEWAY_NAMESPACE: `tg${randomUUID().slice(0, 8)}` };
    let gateway: PodProcess | undefined;
    try {
      const created = await keysCli(['create', '--scope', 'admin', '--name', 'ops', '--expires', '30d'], env);
      expect(created).toMatchObject({ status: 0, stderr: '' });
      const key = /^ {2}(tw_[0-9a-f]{12}_\S{43})$/m.exec(created.stdout)?.[1];
      expect(key).toBeDefined();
      const id = key!.slice(3, 15);
      expect(created.stdout).toContain(`created ${id}  tw_${id}  admin  active  "ops"`);
      expect(created.stdout).toContain('only time the key is shown');

      const listed = await keysCli(['list', '--json'], env);
      expect(listed.status).toBe(0);
      expect(listed.stdout).not.toContain(key!.slice(16));
      const keys = (JSON.parse(listed.stdout) as { keys: Record<string, unknown>[] }).keys;
      expect(keys).toEqual([
        expect.objectContaining({ id, prefix: `tw_${id}`, scope: 'admin', status: 'active' }),
      ]);
      expect(keys[0]).not.toHaveProperty('hash');

      gateway = await startGatewayProcess({
        ...env,
        MARKET_DATA_URLS: `http://127.0.0.1:${await freePort()}`,
        POD_HEALTH_INTERVAL_MS: '60000',
      });
      const list = () =>
        fetch(`${gateway!.url}/v1/admin/keys`, { headers: { authorization: `Bearer ${key}` } });
      const before = await list();
      expect(before.status).toBe(200);
      expect(((await before.json()) as { keys: { id: string }[] }).keys.map((k) => k.id)).toEqual([id]);

      const revoked = await keysCli(['revoke', id], env);
      expect(revoked.status).toBe(0);
      expect(revoked.stdout).toContain(`revoked ${id}  tw_${id}  admin  revoked`);
      const after = await list();
      expect(after.status).toBe(401);
      expect(await after.json()).toMatchObject({ error: { code: 'KEY_REVOKED' } });
      expect((await keysCli(['list'], env)).stdout).toContain(`${id}  tw_${id}  admin  revoked`);

      // Nothing the gateway logged holds the key.
      expect(gateway.logs.length).toBeGreaterThan(0);
      expect(JSON.stringify(gateway.logs)).not.toContain(key!.slice(16));
      gateway.kill('SIGTERM');
      expect(await gateway.exited(10_000)).toEqual({ code: 0, signal: null });
    } finally {
      await gateway?.stop();
    }
  });

  it('refuses bad input with the flag at fault and exit status 2, and an unknown id with 1', async () => {
    const env = { REDIS_URL: redis.url, GATEWAY_NAMESPACE: `tg${randomUUID().slice(0, 8)}` };
    const noOwner = await keysCli(['create', '--scope', 'bot', '--name', 'b'], env);
    expect(noOwner).toMatchObject({ status: 2, stdout: '' });
    expect(noOwner.stderr).toContain('--owner: is required for a bot key');
    const badFlag = await keysCli(['create', '--scope', 'read', '--name', 'r', '--colour', 'red'], env);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toContain("Unknown option '--colour'");
    expect(badFlag.stderr).toContain('usage:');
    const unknown = await keysCli(['revoke', '0123456789ab'], env);
    expect(unknown).toMatchObject({ status: 1, stdout: '' });
    expect(unknown.stderr).toContain('no key with id "0123456789ab"');
    const noRedis = await keysCli(['list'], { GATEWAY_NAMESPACE: env.GATEWAY_NAMESPACE });
    expect(noRedis.status).toBe(2);
    expect(noRedis.stderr).toContain('REDIS_URL: is required');
  });
});
