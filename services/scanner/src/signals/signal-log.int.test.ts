import { RedisLeadership } from '@tickwire/cluster';
import { startTestRedis, type TestRedis } from '@tickwire/testkit';
import { scannerKeys, ScannerScripts } from '../store';
import { freshNamespace } from '../testing/scanner-harness';
import { signalId, type Signal } from './signal';
import { SignalLog } from './signal-log';

/** Slow renews: nothing but the script can tell the old scanner its epoch is over during a test. */
const TIMINGS = { leaseMs: 60_000, renewMs: 20_000, renewDeadlineMs: 40_000, retryMs: 20_000 };

const signal = (candleOpenTime: number): Signal => ({
  id: signalId('strategy-1', 'BTCUSDT', '1m', candleOpenTime),
  ownerId: 'owner-1',
  strategyId: 'strategy-1',
  strategyName: 'dip',
  symbol: 'BTCUSDT',
  interval: '1m',
  candleOpenTime,
  candleClosed: true,
  close: '97000.5',
  facts: [],
  detectedAt: candleOpenTime + 60_000,
});

describe('the signal log', () => {
  let redis: TestRedis;
  const opened: RedisLeadership[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    for (const leadership of opened.splice(0)) {
      await leadership.election.stop();
      await leadership.close();
    }
  });

  async function replica(namespace: string, instanceId: string) {
    const leadership = await RedisLeadership.create({
      instanceId,
      connection: { mode: 'standalone', url: redis.url },
      namespace,
      timings: TIMINGS,
    });
    opened.push(leadership);
    const keys = scannerKeys(namespace);
    const log = new SignalLog({
      client: leadership.commands,
      keys,
      scripts: new ScannerScripts(leadership.commands, keys),
      fence: () => leadership.election.fence(),
    });
    return { leadership, log, keys };
  }

  it('stores a signal once, however often the active scanner appends it', async () => {
    const { leadership, log, keys } = await replica(freshNamespace(), 'a');
    await leadership.election.start();
    expect(leadership.election.state().role).toBe('leader');
    const first = await log.append(signal(0));
    const again = await log.append(signal(0));
    const other = await log.append(signal(60_000));
    expect([first.stored, again.stored, other.stored]).toEqual([true, false, true]);
    expect(await leadership.commands.xlen(keys.signals)).toBe(2);
    const ttl = await leadership.commands.pttl(keys.signalSeen(signal(0).id));
    expect(ttl).toBeGreaterThan(29 * 86_400_000);
  });

  it('trims signals stored more than 30 days ago when it appends, and keeps the newer ones', async () => {
    const { leadership, log, keys } = await replica(freshNamespace(), 'a');
    await leadership.election.start();
    const redisNow = async () => {
      const [seconds, micros] = await leadership.commands.time();
      return Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
    };
    const day = 86_400_000;
    const now = await redisNow();
    // Entries as if stored 31 and 29 days ago (ids are stored times). MINID ~ trims whole stream
    // nodes (100 entries each, Redis's default), so 150 old ones fill one node and a half.
    const add = (time: number, seq: number) =>
      leadership.commands.xadd(
        keys.signals,
        `${time}-${seq}`,
        'o',
        'owner-1',
        's',
        'x',
        'y',
        'BTCUSDT',
        'j',
        '{}',
      );
    for (let i = 0; i < 150; i++) await add(now - 31 * day, i);
    for (let i = 0; i < 3; i++) await add(now - 29 * day, i);

    expect((await log.append(signal(0))).stored).toBe(true);
    const left = await leadership.commands.xrange(keys.signals, '-', '+');
    const times = left.map(([id]) => Number(id.split('-')[0]));
    const old = times.filter((time) => time < now - 30 * day).length;
    // The full node of old entries is gone; the half node shares its node with newer entries.
    expect(old).toBeLessThan(100);
    expect(times.filter((time) => time === now - 29 * day)).toHaveLength(3);
    expect(times.at(-1)).toBeGreaterThanOrEqual(now);
  });

  it('keeps a cooldown in candle time: refused near the last signal, in either order, allowed past it', async () => {
    const { leadership, log, keys } = await replica(freshNamespace(), 'a');
    await leadership.election.start();
    const hour = 3_600_000;
    const base = 100 * hour;
    const outcome = async (openTime: number) => {
      const result = await log.append(signal(openTime), 3 * hour);
      return result.stored ? 'stored' : result.reason;
    };
    expect(await outcome(base)).toBe('stored');
    expect(await outcome(base)).toBe('duplicate');
    expect(await outcome(base + 2 * hour)).toBe('cooldown');
    // A replay of an earlier candle (a failover's catch-up) is held to the same window.
    expect(await outcome(base - hour)).toBe('cooldown');
    expect(await outcome(base + 3 * hour)).toBe('stored');
    expect(await outcome(base + 4 * hour)).toBe('cooldown');
    expect(await leadership.commands.xlen(keys.signals)).toBe(2);
    expect(Number(await leadership.commands.get(keys.cooldown('strategy-1', 'BTCUSDT')))).toBe(
      base + 3 * hour,
    );
    // Without a cooldown, every candle may signal.
    expect((await log.append(signal(base + 4 * hour), 0)).stored).toBe(true);
  });

  it('refuses an append from a scanner whose epoch is over, writing nothing', async () => {
    const namespace = freshNamespace();
    const old = await replica(namespace, 'old');
    await old.leadership.election.start();
    expect(old.leadership.election.fence()?.epoch).toBe(1);
    // The old scanner was paused past its lease and another was elected with epoch 2.
    await old.leadership.commands.set(old.keys.election.leader, 'next:2', 'PX', 60_000);
    await old.leadership.commands.set(old.keys.election.epoch, '2');

    // The old one still believes it leads (no renew has told it otherwise): only the script refuses it.
    expect(old.leadership.election.fence()?.value).toBe('old:1');
    await expect(old.log.append(signal(0))).rejects.toMatchObject({ code: 'NOT_LEADER' });
    expect(await old.leadership.commands.exists(old.keys.signalSeen(signal(0).id))).toBe(0);
    expect(await old.leadership.commands.exists(old.keys.signals)).toBe(0);
  });

  it("replays an owner's signals after an id, oldest first, in parts bounded by signals and by entries read", async () => {
    const { leadership, log } = await replica(freshNamespace(), 'a');
    await leadership.election.start();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const mine = i === 2 || i === 9 || i === 10;
      const stored = await log.append({
        ...signal(i * 60_000),
        id: `s:${i}`,
        ownerId: mine ? 'owner-1' : 'owner-2',
      });
      if (!stored.stored) throw new Error('not stored');
      ids.push(stored.streamId);
    }
    const replay = (after: string, limit: number, maxScanned: number) =>
      log.replay({ ownerId: 'owner-1', after, limit, maxScanned });
    const idsOf = (part: { entries: { streamId: string }[] }) => part.entries.map((e) => e.streamId);

    // Bounded by entries read: the part says how far it read, whoever the entries belonged to.
    const first = await replay('0-0', 10, 5);
    expect([idsOf(first), first.coveredUpTo, first.complete]).toEqual([[ids[2]], ids[4], false]);
    // Bounded by signals: it stops at the last one it sends.
    const second = await replay(first.coveredUpTo!, 1, 100);
    expect([idsOf(second), second.coveredUpTo, second.complete]).toEqual([[ids[9]], ids[9], false]);
    const last = await replay(second.coveredUpTo!, 10, 100);
    expect([idsOf(last), last.coveredUpTo, last.complete]).toEqual([[ids[10]], ids[11], true]);
    expect(JSON.parse(last.entries[0]!.json)).toMatchObject({ id: 's:10', ownerId: 'owner-1' });
    // After the newest entry there is nothing, and nothing was read.
    expect(await replay(ids[11]!, 10, 100)).toEqual({ entries: [], coveredUpTo: undefined, complete: true });
    expect(await log.newestId()).toBe(ids[11]);
  });

  it('refuses an append from a standby replica', async () => {
    const { log } = await replica(freshNamespace(), 'standby');
    await expect(log.append(signal(0))).rejects.toMatchObject({ code: 'NOT_LEADER' });
  });
});
