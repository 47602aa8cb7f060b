import { CONFIG_DOCS, CONFIG_KEYS, ConfigError, DEFAULT_SYMBOLS, loadConfig } from './config';

describe('loadConfig', () => {
  it('runs on defaults: port 8080, the top 8 USDT pairs, the real Binance endpoints, memory engine', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.SYMBOLS).toEqual(DEFAULT_SYMBOLS);
    expect(config.BINANCE_WS_URL).toBe('wss://stream.binance.com:9443');
    expect(config.BINANCE_REST_URL).toBe('https://api.binance.com');
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('reads symbols as a comma list, upper-cased and deduplicated', () => {
    expect(loadConfig({ SYMBOLS: ' btcusdt, ETHUSDT,,btcusdt ' }).SYMBOLS).toEqual(['BTCUSDT', 'ETHUSDT']);
  });

  it('reports every invalid variable at once', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', SYMBOLS: 'BTC USDT', BINANCE_WS_URL: 'http://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'SYMBOLS', 'BINANCE_WS_URL', 'LOG_LEVEL']) expect(problems).toContain(name);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: ' ' }).PORT).toBe(8080);
  });

  it('documents every variable it reads', () => {
    expect(Object.keys(CONFIG_DOCS).sort()).toEqual([...CONFIG_KEYS].sort());
  });
});
