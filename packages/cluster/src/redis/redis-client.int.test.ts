/**
 * connectRedis at start-up: it gives up on its own clock even when nothing reports an error,
 * names where it looked, and leaves the client closed so nothing keeps retrying behind it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { freePort, waitFor } from '@tickwire/testkit';
import { RedisConnectError } from './errors';
import { connectRedis, createRedisClient, type RedisConnectionOptions } from './redis-client';

/** Far below the command timeout, so the deadline is what ends the attempt. */
const DEADLINE_MS = 300;
const COMMAND_TIMEOUT_MS = 5_000;
/** ioredis closes the socket it gave up on within its 2 s disconnect timeout; room for a stall. */
const CLOSE_TIMEOUT_MS = 5_000;
const TEST_TIMEOUT_MS = 10_000;

const closed = (client: { status: string }) =>
  waitFor(() => client.status === 'end', { timeoutMs: CLOSE_TIMEOUT_MS, what: 'the client to close' });

const clientFor = (connection: RedisConnectionOptions) =>
  createRedisClient(connection, {
    instanceId: 'test',
    purpose: 'commands',
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
  });

describe('connectRedis', () => {
  let silent: Server | undefined;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers, as a hung server would.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent!.close(() => resolve()));
  });

  it(
    'gives up at its deadline, naming the server, when the server accepts and never answers',
    async () => {
      const port = (silent!.address() as { port: number }).port;
      const client = clientFor({ mode: 'standalone', url: `redis://127.0.0.1:${port}` });
      const error = await connectRedis(client, DEADLINE_MS).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(RedisConnectError);
      expect((error as RedisConnectError).message).toBe(
        `cannot connect to Redis at 127.0.0.1:${port}: no connection within ${DEADLINE_MS} ms`,
      );
      await closed(client);
    },
    TEST_TIMEOUT_MS,
  );

  it.each([
    [
      'a standalone URL',
      (port: number): RedisConnectionOptions => ({ mode: 'standalone', url: `redis://127.0.0.1:${port}` }),
    ],
    [
      'Sentinel',
      (port: number): RedisConnectionOptions => ({
        mode: 'sentinel',
        sentinels: [{ host: '127.0.0.1', port }],
        masterName: 'tickwire',
      }),
    ],
    [
      'a Cluster',
      (port: number): RedisConnectionOptions => ({ mode: 'cluster', nodes: [{ host: '127.0.0.1', port }] }),
    ],
  ])(
    'fails at the first refused connection through %s and leaves the client closed, not retrying',
    async (_mode, connection) => {
      const client = clientFor(connection(await freePort()));
      await expect(connectRedis(client)).rejects.toMatchObject({ code: 'REDIS_CONNECT_FAILED' });
      await closed(client);
    },
    TEST_TIMEOUT_MS,
  );
});
