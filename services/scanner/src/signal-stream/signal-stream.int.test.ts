/**
 * The live signal stream of a real scanner on a real Redis, read over real HTTP: signals the
 * active scanner appends (fenced, through its SignalLog) reach the owner's streams, filtered,
 * resumable, bounded.
 */
import { randomUUID } from 'node:crypto';
import { EventSource, type FetchLike } from 'eventsource';
import { closeRedisClients, connectRedis, createRedisClient, type RedisClient } from '@tickwire/cluster';
import {
  openSse,
  parsePrometheusText,
  sampleValue,
  startTestRedis,
  waitFor,
  type SseConnection,
  type TestRedis,
} from '@tickwire/testkit';
import { testSignal } from '../testing/signal-fixtures';
import { startScannerHarness, type ScannerHarness } from '../testing/scanner-harness';
import { MAX_REPLAY_SIGNALS, STREAM_RETRY_MS } from './signal-stream';

jest.setTimeout(30_000);

const STRATEGY_A = '11111111-1111-4111-8111-111111111111';
const STRATEGY_B = '22222222-2222-4222-8222-222222222222';
const WAIT_MS = 5_000;

interface Sent {
  id: string;
  data: string;
}

interface ErrorBody {
  error: { code: string; message: string };
}

describe('the live signal stream (GET /v1/signals/stream)', () => {
  let redis: TestRedis;
  let api: ScannerHarness | undefined;
  const streams: SseConnection[] = [];
  let appended = 0;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    for (const sse of streams.splice(0)) sse.close();
    await api?.stop();
    api = undefined;
  });

  async function start(env: Record<string, string> = {}): Promise<ScannerHarness> {
    api = await startScannerHarness(redis.url, env);
    return api;
  }

  const createOwner = async (name: string) => {
    const res = await api!.request('POST', '/v1/owners', { body: { name } });
    return ((await res.json()) as { id: string }).id;
  };

  async function stream(owner: string, query = '', headers: Record<string, string> = {}) {
    const sse = await openSse(`${api!.url}/v1/signals/stream${query}`, { 'X-Owner-Id': owner, ...headers });
    streams.push(sse);
    expect(sse.status).toBe(200);
    return sse;
  }

  /** Appends a new signal as the active scanner does; returns the event a stream should carry. */
  async function append(ownerId: string, strategyId = STRATEGY_A, symbol = 'BTCUSDT'): Promise<Sent> {
    appended += 1;
    const signal = testSignal(appended, { ownerId, strategyId, symbol });
    signal.id = `${strategyId}:${symbol}:1m:${signal.candleOpenTime}`;
    const result = await api!.scanner.signals.append(signal);
    if (!result.stored) throw new Error(`signal ${signal.id} was stored before`);
    return { id: result.streamId, data: JSON.stringify(signal) };
  }

  const signalsOf = (sse: SseConnection): Sent[] =>
    sse.events.filter((e) => e.event === 'signal').map((e) => ({ id: e.id!, data: e.data }));

  const received = (sse: SseConnection, last: Sent) =>
    sse.waitForEvents((events) => events.some((e) => e.id === last.id), WAIT_MS);

  const metrics = async () => parsePrometheusText(await (await api!.request('GET', '/metrics')).text());

  it("sends the owner's signals appended after it opened, in order, and no other owner's", async () => {
    await start();
    const [alice, bob] = [await createOwner('alice'), await createOwner('bob')];
    const aliceStream = await stream(alice);
    const bobStream = await stream(bob);
    expect(aliceStream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(aliceStream.headers['cache-control']).toContain('no-cache');
    expect(aliceStream.headers['x-accel-buffering']).toBe('no');

    const a1 = await append(alice);
    const b1 = await append(bob);
    const a2 = await append(alice, STRATEGY_B, 'ETHUSDT');
    const b2 = await append(bob);
    // Each owner's last signal comes after the other's: a stray one would have arrived before it.
    const a3 = await append(alice);
    const b3 = await append(bob);
    await received(aliceStream, a3);
    await received(bobStream, b3);

    expect(signalsOf(aliceStream)).toEqual([a1, a2, a3]);
    expect(signalsOf(bobStream)).toEqual([b1, b2, b3]);
    expect(aliceStream.retry).toBeGreaterThanOrEqual(STREAM_RETRY_MS);
    expect(aliceStream.retry).toBeLessThan(2 * STREAM_RETRY_MS);
    const exposition = await metrics();
    expect(sampleValue(exposition, 'tickwire_scanner_signal_stream_clients')).toBe(2);
    expect(sampleValue(exposition, 'tickwire_scanner_signal_stream_events_total', { source: 'live' })).toBe(
      6,
    );
  });

  it('holds one Redis connection for its reads, however many streams are open', async () => {
    const instanceId = `stream-test-${randomUUID().slice(0, 8)}`;
    await start({ INSTANCE_ID: instanceId });
    const owner = await createOwner('carol');
    const opened = await Promise.all([1, 2, 3, 4, 5].map(() => stream(owner)));
    const last = await append(owner);
    for (const sse of opened) await received(sse, last);

    const admin: RedisClient = createRedisClient(
      { mode: 'standalone', url: redis.url },
      { instanceId: 'admin', purpose: 'commands', commandTimeoutMs: 2_000 },
    );
    try {
      await connectRedis(admin);
      const names = ((await admin.call('CLIENT', 'LIST')) as string)
        .split('\n')
        .map((line) => /\bname=(\S*)/.exec(line)?.[1])
        .filter((name) => name?.startsWith(`tickwire:${instanceId}:`));
      expect(names.filter((name) => name === `tickwire:${instanceId}:stream-reader`)).toHaveLength(1);
    } finally {
      await closeRedisClients([admin]);
    }
  });

  it('sends only the signals of the strategy and symbol asked for', async () => {
    await start();
    const owner = await createOwner('dave');
    const all = await stream(owner);
    const byStrategy = await stream(owner, `?strategy=${STRATEGY_B}`);
    const bySymbol = await stream(owner, '?symbol=ethusdt');
    const byBoth = await stream(owner, `?strategy=${STRATEGY_B}&symbol=ETHUSDT`);

    const s1 = await append(owner, STRATEGY_A, 'BTCUSDT');
    const s2 = await append(owner, STRATEGY_B, 'BTCUSDT');
    const s3 = await append(owner, STRATEGY_A, 'ETHUSDT');
    // Passes every filter, so every stream has had its chance at the others once it has this one.
    const s4 = await append(owner, STRATEGY_B, 'ETHUSDT');
    for (const sse of [all, byStrategy, bySymbol, byBoth]) await received(sse, s4);

    expect(signalsOf(all)).toEqual([s1, s2, s3, s4]);
    expect(signalsOf(byStrategy)).toEqual([s2, s4]);
    expect(signalsOf(bySymbol)).toEqual([s3, s4]);
    expect(signalsOf(byBoth)).toEqual([s4]);
  });

  it('resumes after Last-Event-ID (header or query) with exactly the signals missed, then goes on live', async () => {
    await start();
    const [owner, other] = [await createOwner('erin'), await createOwner('frank')];
    const first = await stream(owner);
    await append(owner);
    const seen = await append(owner);
    await received(first, seen);
    first.close();

    const missed = [await append(owner), await append(other), await append(owner, STRATEGY_B)];
    const resumed = await stream(owner, '', { 'Last-Event-ID': first.lastEventId! });
    expect(first.lastEventId).toBe(seen.id);
    await received(resumed, missed[2]!);
    const live = await append(owner);
    await received(resumed, live);
    expect(signalsOf(resumed)).toEqual([missed[0], missed[2], live]);

    // The query form, with a filter: only the missed signals of that strategy.
    const byQuery = await stream(owner, `?strategy=${STRATEGY_B}&lastEventId=${seen.id}`);
    await received(byQuery, missed[2]!);
    const next = await append(owner, STRATEGY_B);
    await received(byQuery, next);
    expect(signalsOf(byQuery)).toEqual([missed[2], next]);

    const exposition = await metrics();
    expect(sampleValue(exposition, 'tickwire_scanner_signal_stream_events_total', { source: 'replay' })).toBe(
      3,
    );
  });

  it('replays a long absence in parts that EventSource fetches by itself, skipping none and repeating none', async () => {
    await start();
    const owner = await createOwner('grace');
    const other = await createOwner('heidi');
    const before = await append(owner);
    const missed: Sent[] = [];
    for (let i = 0; i < MAX_REPLAY_SIGNALS + 50; i++) {
      missed.push(await append(owner));
      if (i % 10 === 0) await append(other);
    }

    const requests: (string | undefined)[] = [];
    const withOwner: FetchLike = (url, init) => {
      const headers: Record<string, string> = { ...init.headers, 'X-Owner-Id': owner };
      // The first connection resumes too, as a client that read `before` and went away would.
      headers['Last-Event-ID'] ??= before.id;
      requests.push(headers['Last-Event-ID']);
      return fetch(url, { ...init, headers });
    };
    const source = new EventSource(`${api!.url}/v1/signals/stream`, { fetch: withOwner });
    const got: Sent[] = [];
    const statuses: string[] = [];
    source.addEventListener('signal', (event) =>
      got.push({ id: event.lastEventId, data: String(event.data) }),
    );
    source.addEventListener('status', (event) => statuses.push(String(event.data)));
    try {
      await waitFor(() => got.length >= missed.length, { timeoutMs: 10_000, what: 'every missed signal' });
      const live = await append(owner);
      await waitFor(() => got.some((e) => e.id === live.id), { timeoutMs: WAIT_MS, what: 'a live signal' });
      expect(got).toEqual([...missed, live]);
      // One part per connection: the first ended with a status naming how far it got.
      expect(statuses.map((data) => JSON.parse(data) as unknown)).toEqual([
        { state: 'closing', reason: 'replay-limit' },
      ]);
      expect(requests).toEqual([before.id, missed[MAX_REPLAY_SIGNALS - 1]!.id]);
    } finally {
      source.close();
    }
  });

  it('refuses a stream beyond SSE_MAX_CLIENTS with 503 TOO_MANY_STREAMS and Retry-After', async () => {
    await start({ SSE_MAX_CLIENTS: '1' });
    const owner = await createOwner('ivan');
    const open = await stream(owner);
    const refused = await api!.request('GET', '/v1/signals/stream', { owner });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({
      error: { code: 'TOO_MANY_STREAMS', message: expect.any(String) },
    });
    expect(
      sampleValue(await metrics(), 'tickwire_scanner_signal_stream_rejected_total', { reason: 'capacity' }),
    ).toBe(1);

    // A closed stream frees its place.
    open.close();
    await waitFor(async () => sampleValue(await metrics(), 'tickwire_scanner_signal_stream_clients') === 0, {
      timeoutMs: WAIT_MS,
      what: 'the closed stream to be forgotten',
    });
    await stream(owner);
  });

  it('refuses bad requests with a 4xx naming what to change, before any stream opens', async () => {
    await start();
    const owner = await createOwner('judy');
    const newest = await append(owner);
    const get = (query: string, headers: Record<string, string> = {}, who: string | null = owner) =>
      api!.request('GET', `/v1/signals/stream${query}`, { ...(who === null ? {} : { owner: who }), headers });
    const expectError = async (res: Response, status: number, code: string, mentions: string) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe(code);
      expect(body.error.message).toContain(mentions);
    };

    await expectError(await get('', {}, null), 401, 'OWNER_REQUIRED', 'X-Owner-Id');
    await expectError(await get('?symbols=BTCUSDT'), 400, 'UNKNOWN_PARAMETER', 'symbols');
    await expectError(await get('?strategy=dip'), 400, 'BAD_REQUEST', 'strategy');
    await expectError(await get('?symbol=not%20a%20symbol!'), 400, 'INVALID_FIELD', 'not a symbol');
    await expectError(await get('?lastEventId=a&lastEventId=b'), 400, 'BAD_REQUEST', 'lastEventId');
    await expectError(await get('', { 'Last-Event-ID': 'garbage' }), 400, 'INVALID_LAST_EVENT_ID', 'garbage');
    await expectError(
      await get('?lastEventId=1764660000000-0.3'),
      400,
      'INVALID_LAST_EVENT_ID',
      '<ms>-<seq>',
    );
    const ahead = `${Number(newest.id.split('-')[0]) + 60_000}-0`;
    await expectError(
      await get('', { 'Last-Event-ID': ahead }),
      400,
      'INVALID_LAST_EVENT_ID',
      'after the newest',
    );
    expect(sampleValue(await metrics(), 'tickwire_scanner_signal_stream_clients')).toBe(0);
  });

  it('keeps an idle stream alive with comments and ends every stream with a last status when it stops', async () => {
    await start({ SSE_HEARTBEAT_MS: '1000' });
    const owner = await createOwner('ken');
    const idle = await stream(owner);
    // Due within 2 s; the margin is for a stalled process.
    await waitFor(() => idle.comments >= 2, { timeoutMs: 10_000, what: 'two heartbeat comments' });
    expect(idle.events).toEqual([]);

    const stopping = api!.stop();
    api = undefined;
    await waitFor(() => idle.closed, { timeoutMs: WAIT_MS, what: 'the stream to end' });
    await stopping;
    expect(idle.events.map((e) => [e.event, e.id, JSON.parse(e.data) as unknown])).toEqual([
      ['status', undefined, { state: 'closing', reason: 'server-shutdown' }],
    ]);
  });
});
