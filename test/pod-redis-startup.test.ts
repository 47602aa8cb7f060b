/**
 * A pod started against a Redis it cannot use, in each of the three modes (a standalone URL,
 * Sentinel, Cluster): it logs one fatal line naming where it looked and why, with the socket's
 * or the server's own error, and exits 1 within the start-up bound, never listening. Before,
 * a pod on Sentinel hung without a word and a wrong password read "Connection is closed".
 */
import { createServer, type Server, type Socket } from 'node:net';
const STARTUP_CONNECT_TIMEOUT_MS = 10_000;
import {
  freePort,
  spawnPodProcess,
  startRedisBinary,
  startTestRedisSentinel,
  type TestRedis,
  type TestRedisSentinel,
} from '@tickwire/testkit';

/** Node's own start-up and the pod's configuration on a loaded CI box, before Redis is tried. */
const PROCESS_START_MARGIN_MS = 5_000;
const EXIT_BOUND_MS = STARTUP_CONNECT_TIMEOUT_MS + PROCESS_START_MARGIN_MS;
const TEST_TIMEOUT_MS = EXIT_BOUND_MS + 5_000;
const SETUP_TIMEOUT_MS = 15_000;
const PASSWORD = 'right-password';

/** No exchange is reached: the pod must fail on Redis before it starts its feeds. */
const BASE_ENV = {
  BINANCE_WS_URL: 'ws://127.0.0.1:9',
  BINANCE_REST_URL: 'http://127.0.0.1:9',
  SYMBOLS: 'BTCUSDT',
};

async function expectStartFailure(env: Record<string, string>, reason: RegExp): Promise<void> {
  const pod = spawnPodProcess({ ...BASE_ENV, ...env });
  try {
    const exit = await pod.exited(EXIT_BOUND_MS);
    expect(exit).toEqual({ code: 1, signal: null });
    const fatal = pod.logs.filter((line) => line.level === 'fatal');
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.msg).toMatch(reason);
    expect(fatal[0]!.err).toMatchObject({ type: 'RedisConnectError', code: 'REDIS_CONNECT_FAILED' });
    expect(pod.logs.some((line) => line.msg === 'listening')).toBe(false);
  } finally {
    await pod.stop();
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a pod that cannot use its Redis at start-up', () => {
  let secured: TestRedis | undefined;
  let sentinel: TestRedisSentinel | undefined;
  let silent: Server | undefined;
  const silentSockets = new Set<Socket>();

  beforeAll(async () => {
    secured = await startRedisBinary(['--requirepass', PASSWORD]);
    sentinel = await startTestRedisSentinel();
    // Accepts connections and never answers, as a hung server or a black-holing proxy would.
    silent = createServer((socket) => {
      silentSockets.add(socket);
      socket.once('close', () => silentSockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    for (const socket of silentSockets) socket.destroy();
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
    await sentinel?.stop();
    await secured?.stop();
  });

  it(
    'exits 1 naming host:port and the refusal when nothing listens at REDIS_URL',
    async () => {
      const port = await freePort();
      await expectStartFailure(
        { REDIS_URL: `redis://127.0.0.1:${port}` },
        new RegExp(`cannot connect to Redis at 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "exits 1 with the server's WRONGPASS when REDIS_URL carries a wrong password",
    async () => {
      const port = new URL(secured!.url).port;
      await expectStartFailure(
        { REDIS_URL: `redis://:wrong-password@127.0.0.1:${port}` },
        new RegExp(`cannot connect to Redis at 127\\.0\\.0\\.1:${port}: WRONGPASS`),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "exits 1 with the server's NOAUTH when the Redis requires a password and none is given",
    async () => {
      await expectStartFailure({ REDIS_URL: secured!.url }, /: NOAUTH/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'exits 1 naming the sentinel when nothing listens at REDIS_SENTINELS',
    async () => {
      const port = await freePort();
      await expectStartFailure(
        { REDIS_SENTINELS: `127.0.0.1:${port}`, REDIS_SENTINEL_MASTER: 'tickwire' },
        new RegExp(
          `cannot connect to Redis through Sentinel 127\\.0\\.0\\.1:${port} \\(master name "tickwire"\\): sentinel 127\\.0\\.0\\.1:${port}: `,
        ),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "exits 1 with the sentinel's own answer when it monitors no master named REDIS_SENTINEL_MASTER",
    async () => {
      const address = `${sentinel!.sentinels[0]!.host}:${sentinel!.sentinels[0]!.port}`;
      await expectStartFailure(
        { REDIS_SENTINELS: address, REDIS_SENTINEL_MASTER: 'not-monitored' },
        new RegExp(
          `through Sentinel ${escape(address)} \\(master name "not-monitored"\\): sentinel ${escape(address)}: ERR No such master with that name`,
        ),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'exits 1 when the sentinel accepts the connection and never answers',
    async () => {
      const port = (silent!.address() as { port: number }).port;
      await expectStartFailure(
        { REDIS_SENTINELS: `127.0.0.1:${port}`, REDIS_SENTINEL_MASTER: 'tickwire' },
        new RegExp(`sentinel 127\\.0\\.0\\.1:${port}: Command timed out`),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'exits 1 naming the seed when nothing listens at REDIS_CLUSTER_NODES',
    async () => {
      const port = await freePort();
      await expectStartFailure(
        { REDIS_CLUSTER_NODES: `127.0.0.1:${port}` },
        new RegExp(`cannot connect to Redis Cluster at 127\\.0\\.0\\.1:${port}: 127\\.0\\.0\\.1:${port}: `),
      );
    },
    TEST_TIMEOUT_MS,
  );
});
