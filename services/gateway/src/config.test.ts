import { ConfigError, loadConfig } from './config';

const REDIS = { REDIS_URL: 'redis://127.0.0.1:6379' };

describe('the gateway configuration', () => {
  it('needs Redis, and reads pod URLs without their trailing slash', () => {
    const config = loadConfig({ ...REDIS, MARKET_DATA_URLS: 'http://pod-1:8080/, http://pod-2:8080' });
    expect(config.MARKET_DATA_URLS).toEqual(['http://pod-1:8080', 'http://pod-2:8080']);
    // A default port written out is the same pod.
    expect(loadConfig({ ...REDIS, MARKET_DATA_URLS: 'http://market-data:80' }).MARKET_DATA_URLS).toEqual([
      'http://market-data',
    ]);
    expect(config).toMatchObject({
      PORT: 8070,
      GATEWAY_NAMESPACE: 'twg',
      ANONYMOUS_READ: [],
      BEHIND_TLS: false,
    });
  });

  it('lists every problem at once', () => {
    let caught: unknown;
    try {
      loadConfig({
        MARKET_DATA_URLS: 'http://pod-1:8080/v1',
        ANONYMOUS_READ: 'prices,admin',
        KEY_RATE_LIMIT: '0',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('MARKET_DATA_URLS: "http://pod-1:8080/v1" is not a pod\'s base URL');
    expect(problems).toContain('ANONYMOUS_READ: "admin" is not a route group: use prices, candles, status');
    expect(problems).toContain('KEY_RATE_LIMIT: must be a whole number from 1 to 1000000');
    expect(problems).toContain('REDIS_URL: is required');
  });

  it('takes a stream-token secret of at least 32 bytes and a lifetime of at most an hour, never echoing the secret', () => {
    const secret = 'x'.repeat(32);
    expect(loadConfig({ ...REDIS, STREAM_TOKEN_SECRET: secret })).toMatchObject({
      STREAM_TOKEN_SECRET: secret,
      STREAM_TOKEN_TTL_MS: 600_000,
      MAX_STREAMS_PER_KEY: 20,
      ANONYMOUS_MAX_STREAMS: 2,
    });
    expect(loadConfig(REDIS).STREAM_TOKEN_SECRET).toBeUndefined();
    let caught: unknown;
    try {
      loadConfig({ ...REDIS, STREAM_TOKEN_SECRET: 'short-secret', STREAM_TOKEN_TTL_MS: '3600001' });
    } catch (error) {
      caught = error;
    }
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('STREAM_TOKEN_SECRET: must be at least 32 bytes');
    expect(problems).toContain('STREAM_TOKEN_TTL_MS: must be a whole number of ms from 10000 to 3600000');
    expect(problems).not.toContain('short-secret');
  });
});
