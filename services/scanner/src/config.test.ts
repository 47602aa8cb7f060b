import { ConfigError, loadConfig } from './config';

describe('the scanner configuration', () => {
  it('needs Redis and reports every problem at once', () => {
    let caught: unknown;
    try {
      loadConfig({
        SCANNER_NAMESPACE: 'has space',
        SCAN_INTERVAL_MS: '10',
        WEBHOOK_HOST_ALLOWLIST: 'https://hooks.example.com/x',
        LEADER_RENEW_MS: '5000',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const variable of ['SCANNER_NAMESPACE', 'SCAN_INTERVAL_MS', 'WEBHOOK_HOST_ALLOWLIST'])
      expect(problems).toContain(`${variable}:`);
  });

  it('defaults to its own namespace, one scan a minute and Discord hosts only', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      WEBHOOK_HOST_ALLOWLIST: 'Hooks.Example.com',
    });
    expect(config).toMatchObject({
      PORT: 8090,
      SCANNER_NAMESPACE: 'tws',
      SCAN_INTERVAL_MS: 60_000,
      DEFAULT_EXCHANGE: 'binance',
      WEBHOOK_HOST_ALLOWLIST: ['hooks.example.com'],
    });
    expect(() => loadConfig({})).toThrow('REDIS_URL: is required');
  });
});
