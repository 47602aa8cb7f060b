import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigTable, withConfigTable } from '@tickwire/service';
import {
  CONFIG_DOCS,
  CONFIG_KEYS,
  CONFIG_TABLE,
  ConfigError,
  configuredAssets,
  DEFAULT_SYMBOLS,
  loadConfig,
} from './config';

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

  it('reads assets with their ordered sources, canonical, bare sources on the default exchange', () => {
    const config = loadConfig({
      EXCHANGES: 'binance,coinbase',
      ASSETS: 'btc-usd=coinbase:btc-usd|btcusdt, ETH-USD=COINBASE:ETH-USD',
    });
    expect(configuredAssets(config)).toEqual([
      { name: 'BTC-USD', sources: ['COINBASE:BTC-USD', 'BTCUSDT'] },
      { name: 'ETH-USD', sources: ['COINBASE:ETH-USD'] },
    ]);
    expect(configuredAssets(loadConfig({}))).toEqual([]);
  });

  it('reports every problem of ASSETS at once', () => {
    let caught: unknown;
    try {
      loadConfig({
        EXCHANGES: 'binance',
        ASSETS:
          'BTC-USD=COINBASE:BTC-USD|BTCUSDT|BTCUSDT,BTCUSD=BTCUSDT,X-1,ETH-USD=ETHUSDT,eth-usd=ETHUSDT,A:B=BTCUSDT',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('BTC-USD: COINBASE:BTC-USD is a coinbase symbol but EXCHANGES is binance');
    expect(problems).toContain('BTC-USD: BTCUSDT is listed twice');
    expect(problems).toContain('BTCUSD: is a symbol of binance');
    expect(problems).toContain('X-1: expected <name>=<source>|<source>');
    expect(problems).toContain('ETH-USD: defined twice');
    expect(problems).toContain('A:B: an asset name is letters');
  });

  it('lists OANDA forex by default, takes brokers that stream in any case, and refuses those that do not', () => {
    expect(loadConfig({}).FINNHUB_FOREX_EXCHANGES).toEqual(['oanda']);
    expect(
      loadConfig({ FINNHUB_FOREX_EXCHANGES: 'OANDA, IC Markets,oanda' }).FINNHUB_FOREX_EXCHANGES,
    ).toEqual(['oanda', 'ic markets']);
    const problems = (value: string) => {
      try {
        loadConfig({ FINNHUB_FOREX_EXCHANGES: value });
        return '';
      } catch (error) {
        return (error as ConfigError).problems.join('\n');
      }
    };
    expect(problems('fxcm')).toMatch(/FINNHUB_FOREX_EXCHANGES.*fxcm does not stream on Finnhub's socket/);
    expect(problems('forex.com')).toMatch(/does not stream/);
    expect(problems('kraken')).toMatch(
      /"kraken" is not a Finnhub forex exchange; use oanda, ic markets, fxpro/,
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: ' ' }).PORT).toBe(8080);
  });

  it('selects one Redis connection and checks the election timings order', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return '';
      } catch (error) {
        return (error as ConfigError).problems.join('\n');
      }
    };
    expect(problems({ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'a:7000' })).toContain(
      'set only one of',
    );
    expect(problems({ REDIS_SENTINELS: 'a:26379' })).toContain('REDIS_SENTINEL_MASTER');
    expect(problems({ REDIS_CLUSTER_NODES: 'a:7000,b' })).toContain('REDIS_CLUSTER_NODES');
    expect(problems({ REDIS_URL: 'http://a' })).toContain('REDIS_URL');
    expect(problems({ LEADER_LEASE_MS: '3000', LEADER_RENEW_DEADLINE_MS: '3500' })).toContain(
      'LEADER_RENEW_DEADLINE_MS',
    );
    expect(problems({ REDIS_SENTINELS: '[::1]:26379', REDIS_SENTINEL_MASTER: 'mymaster' })).toBe('');
  });

  it('takes a stream-token secret of at least 32 bytes, only with Redis', () => {
    const secret = 'y'.repeat(40);
    expect(loadConfig({ REDIS_URL: 'redis://a:6379', STREAM_TOKEN_SECRET: secret })).toMatchObject({
      STREAM_TOKEN_SECRET: secret,
      GATEWAY_NAMESPACE: 'twg',
    });
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return '';
      } catch (error) {
        return (error as ConfigError).problems.join('\n');
      }
    };
    expect(problems({ STREAM_TOKEN_SECRET: secret })).toBe(
      'STREAM_TOKEN_SECRET: needs Redis (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES): revocations and stream quotas live there',
    );
    expect(problems({ REDIS_URL: 'redis://a:6379', STREAM_TOKEN_SECRET: 'too-short' })).toContain(
      'STREAM_TOKEN_SECRET: must be at least 32 bytes',
    );
  });

  it('documents every variable it reads', () => {
    expect(Object.keys(CONFIG_DOCS).sort()).toEqual([...CONFIG_KEYS].sort());
  });
});

describe('README configuration table', () => {
  it('is the table generated from CONFIG_DOCS and the defaults (pnpm docs:config)', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    expect(withConfigTable(readme, CONFIG_TABLE)).toBe(readme);
  });

  it('shows every default the code uses', () => {
    const table = renderConfigTable(CONFIG_TABLE);
    const defaults = loadConfig({ INSTANCE_ID: 'hostname-pid' });
    for (const key of CONFIG_KEYS) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      const value = defaults[key];
      if (typeof value === 'number' || (typeof value === 'string' && key !== 'INSTANCE_ID')) {
        expect({ key, row }).toEqual({ key, row: expect.stringContaining(`| \`${String(value)}\` |`) });
      } else if (Array.isArray(value) && value.length > 0) {
        expect({ key, row }).toEqual({ key, row: expect.stringContaining(`\`${value.join(',')}\``) });
      }
    }
  });
});
