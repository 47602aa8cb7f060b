/**
 * The stream-token comparison of the fan-out bench: two pods on one Redis (the Redis engine that
 * stream tokens need), measured in turn with the same clients. `pod-redis` serves streams to
 * anyone, as the pods do without STREAM_TOKEN_SECRET (direct, unauthenticated); `pod-token` has
 * STREAM_TOKEN_SECRET and every client opens its stream with its own token (`?token=`, one key id
 * per client, quota 1): the pod verifies the HS256 signature, takes a lease in Redis (one script
 * that also checks revocation) and renews it every 5 s for as long as the stream stays open. Redis's
 * CPU is measured with each pod. Tokens are signed here with the codec the gateway uses
 * (packages/service), so the run measures the pods' side, not the gateway's REST.
 */
const { randomBytes } = require('node:crypto');
const Redis = require('ioredis');
const { signStreamToken, MAX_STREAM_TOKEN_LIFETIME_MS } = require('../../packages/service/dist');
const { startTestRedis } = require('../../packages/testkit/dist');
const { freshNamespace, deleteNamespace, redisPid } = require('./redis-namespace');
const { startPod } = require('./targets');

const TOKEN_TARGETS = ['pod-redis', 'pod-token'];

/** One Redis for the run's token targets, started on first use; `stop()` at the end. */
function tokenTargets() {
  let redis;
  let pid;
  const used = [];
  const shared = async () => {
    redis ??= await startTestRedis();
    if (pid === undefined) {
      const client = new Redis(redis.url);
      pid = await redisPid(client);
      client.disconnect();
    }
    return { redis, pid };
  };
  return {
    names: TOKEN_TARGETS,
    async start(name, feed, { clients, env }) {
      const { redis: server, pid: serverPid } = await shared();
      const namespace = freshNamespace('bench');
      const gatewayNamespace = freshNamespace('benchg');
      used.push(namespace, gatewayNamespace);
      const redisEnv = { REDIS_URL: server.url, REDIS_NAMESPACE: namespace };
      // Redis's memory is measured with each pod: the next target must not find this one's stream.
      const emptied = (target) => ({
        ...target,
        stop: async () => {
          await target.stop();
          const client = new Redis(server.url);
          for (const ns of [namespace, gatewayNamespace]) await deleteNamespace(client, ns).catch(() => 0);
          client.disconnect();
        },
      });
      if (name === 'pod-redis')
        return emptied(
          await startPod(feed, {
            clients,
            env: { ...redisEnv, ...env },
            name: 'tickwire pod (redis, no auth)',
            extraPids: [serverPid],
          }),
        );
      const secret = randomBytes(48).toString('base64');
      const now = Date.now();
      const tokens = new Map();
      const tokenFor = (client) => {
        let token = tokens.get(client);
        if (token === undefined) {
          token = signStreamToken(
            {
              sub: client.toString(16).padStart(12, '0'),
              scope: 'read',
              maxStreams: 1,
              now,
              lifetimeMs: MAX_STREAM_TOKEN_LIFETIME_MS,
            },
            secret,
          ).token;
          tokens.set(client, token);
        }
        return token;
      };
      return emptied(
        await startPod(feed, {
          clients,
          env: { ...redisEnv, STREAM_TOKEN_SECRET: secret, GATEWAY_NAMESPACE: gatewayNamespace, ...env },
          name: 'tickwire pod (redis, token auth)',
          extraPids: [serverPid],
          pathFor: (symbol, client) => `/v1/stream?symbols=${symbol}&token=${tokenFor(client)}`,
        }),
      );
    },
    async stop() {
      if (!redis) return;
      const client = new Redis(redis.url);
      for (const namespace of used) await deleteNamespace(client, namespace).catch(() => undefined);
      client.disconnect();
      await redis.stop();
    },
  };
}

module.exports = { tokenTargets, TOKEN_TARGETS };
