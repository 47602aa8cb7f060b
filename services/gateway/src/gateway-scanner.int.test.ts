/**
 * The scanner's owner API through the gateway, with a real Redis and a real scanner process:
 * a bot key reaches its owner's records and no other owner's, whatever X-Owner-Id it sends;
 * keys without an owner or of a lower scope are refused before the scanner is asked.
 */
import { randomUUID } from 'node:crypto';
import { startScannerProcess, startTestRedis, type PodProcess, type TestRedis } from '@tickwire/testkit';
import {
  bearer,
  freshGatewayNamespace,
  send,
  startGatewayHarness,
  type GatewayHarness,
  type SimpleResponse,
} from './testing/gateway-harness';

jest.setTimeout(60_000);

let redis: TestRedis;
let scanner: PodProcess;
const harnesses: GatewayHarness[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  scanner = await startScannerProcess({
    REDIS_URL: redis.url,
    SCANNER_NAMESPACE: `gs${randomUUID().slice(0, 8)}`,
    MARKET_DATA_NAMESPACE: `gm${randomUUID().slice(0, 8)}`,
    INSTANCE_ID: 'scanner-1',
  });
});

afterAll(async () => {
  await Promise.all(harnesses.map((harness) => harness.stop()));
  await scanner?.stop();
  await redis?.stop();
});

async function gateway(env: Record<string, string> = {}): Promise<GatewayHarness> {
  const harness = await startGatewayHarness({
    REDIS_URL: redis.url,
    GATEWAY_NAMESPACE: freshGatewayNamespace(),
    // No pod is needed here: the market routes are not asked.
    MARKET_DATA_URLS: 'http://127.0.0.1:9',
    ...env,
  });
  harnesses.push(harness);
  return harness;
}

async function owner(name: string): Promise<string> {
  const response = await fetch(`${scanner.url}/v1/owners`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const code = (response: SimpleResponse) => (response.json() as { error: { code: string } }).error.code;
const json = { 'content-type': 'application/json' };

describe("the scanner's owner API through the gateway", () => {
  it("gives a bot key its owner's records only, whatever X-Owner-Id it sends", async () => {
    const edge = await gateway({ SCANNER_URLS: scanner.url });
    const [alice, bob] = [await owner('alice'), await owner('bob')];
    const aliceKey = (await edge.gateway.keys.create({ name: 'a', scope: 'bot', ownerId: alice })).key;
    const bobKey = (await edge.gateway.keys.create({ name: 'b', scope: 'bot', ownerId: bob })).key;

    // Alice names Bob as the owner: the gateway sets hers.
    const created = await send(`${edge.url}/v1/watchlists`, {
      method: 'POST',
      headers: { ...bearer(aliceKey), ...json, 'x-owner-id': bob },
      body: JSON.stringify({ name: 'majors', symbols: ['BTCUSDT'] }),
    });
    expect(created.status).toBe(201);
    const watchlist = created.json() as { id: string; ownerId: string };
    expect(watchlist.ownerId).toBe(alice);
    expect((await send(`${edge.url}/v1/owner`, { headers: bearer(aliceKey) })).json()).toMatchObject({
      id: alice,
      name: 'alice',
    });

    const list = (key: string) => send(`${edge.url}/v1/watchlists?limit=10`, { headers: bearer(key) });
    expect((await list(aliceKey)).json()).toMatchObject({ total: 1 });
    expect((await list(bobKey)).json()).toMatchObject({ total: 0, watchlists: [] });
    const byBob = await send(`${edge.url}/v1/watchlists/${watchlist.id}`, { headers: bearer(bobKey) });
    expect([byBob.status, code(byBob)]).toEqual([404, 'NOT_FOUND']);
    const deletedByBob = await send(`${edge.url}/v1/watchlists/${watchlist.id}`, {
      method: 'DELETE',
      headers: bearer(bobKey),
    });
    expect(deletedByBob.status).toBe(404);

    const renamed = await send(`${edge.url}/v1/watchlists/${watchlist.id}`, {
      method: 'PATCH',
      headers: { ...bearer(aliceKey), ...json },
      body: JSON.stringify({ name: 'renamed' }),
    });
    expect([renamed.status, (renamed.json() as { name: string }).name]).toEqual([200, 'renamed']);
    const invalid = await send(`${edge.url}/v1/watchlists`, {
      method: 'POST',
      headers: { ...bearer(aliceKey), ...json },
      body: JSON.stringify({ name: 'x', symbols: [], colour: 'red' }),
    });
    expect([invalid.status, code(invalid)]).toEqual([400, 'INVALID_FIELD']);
    expect((await send(`${edge.url}/v1/signals?limit=5`, { headers: bearer(aliceKey) })).status).toBe(200);
    const deleted = await send(`${edge.url}/v1/watchlists/${watchlist.id}`, {
      method: 'DELETE',
      headers: bearer(aliceKey),
    });
    expect(deleted.status).toBe(204);
    expect((await list(aliceKey)).json()).toMatchObject({ total: 0 });
  });

  it('refuses keys without an owner or below bot, bad input, and answers 503 without a scanner', async () => {
    const edge = await gateway({ SCANNER_URLS: scanner.url });
    const readKey = (await edge.gateway.keys.create({ name: 'r', scope: 'read' })).key;
    const adminKey = (await edge.gateway.keys.create({ name: 'ops', scope: 'admin' })).key;
    const botKey = (
      await edge.gateway.keys.create({ name: 'b', scope: 'bot', ownerId: await owner('carol') })
    ).key;
    const read = await send(`${edge.url}/v1/strategies`, { headers: bearer(readKey) });
    expect([read.status, code(read)]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    const admin = await send(`${edge.url}/v1/strategies`, { headers: bearer(adminKey) });
    expect([admin.status, code(admin)]).toEqual([403, 'NO_SCANNER_OWNER']);
    const anonymous = await send(`${edge.url}/v1/destinations`);
    expect([anonymous.status, code(anonymous)]).toEqual([401, 'KEY_REQUIRED']);
    const unknownParam = await send(`${edge.url}/v1/watchlists?page=2`, { headers: bearer(botKey) });
    expect([unknownParam.status, code(unknownParam)]).toEqual([400, 'UNKNOWN_PARAMETER']);
    const notJson = await send(`${edge.url}/v1/watchlists`, {
      method: 'POST',
      headers: { ...bearer(botKey), ...json },
      body: '{',
    });
    expect([notJson.status, code(notJson)]).toEqual([400, 'INVALID_JSON']);
    const put = await send(`${edge.url}/v1/watchlists`, { method: 'PUT', headers: bearer(botKey) });
    expect(put.status).toBe(405);

    const withoutScanner = await gateway();
    const key = (await withoutScanner.gateway.keys.create({ name: 'b', scope: 'bot', ownerId: randomUUID() }))
      .key;
    const none = await send(`${withoutScanner.url}/v1/watchlists`, { headers: bearer(key) });
    expect([none.status, code(none)]).toEqual([503, 'SCANNER_NOT_CONFIGURED']);
  });
});
