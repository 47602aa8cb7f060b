import { decodeBatch, encodeBatch } from './batch-codec';
import { checkScriptReply, NotLeaderError } from './errors';
import { clusterKeys } from './keys';
import { parseRedisAddresses } from './redis-client';
import { parseLeaderValue } from './scripts';
import { parseInterestEvent } from './redis-interest';
import { validateElectionTimings, DEFAULT_ELECTION_TIMINGS } from './redis-election';

const tick = (symbol: string, last: string) => ({
  exchange: 'binance' as const,
  symbol,
  last,
  eventTime: 1,
  receiveTime: 2,
  source: 'ws' as const,
});

describe('cluster keys', () => {
  it('spells every key of a namespace with one hash tag, as DESIGN.md names them', () => {
    const keys = clusterKeys();
    expect(keys.leader).toBe('tw:{tw}:leader');
    expect(keys.prices).toBe('tw:{tw}:px');
    expect(keys.ticks).toBe('tw:{tw}:ticks');
    expect(keys.wanted).toBe('tw:{tw}:wanted');
    expect(keys.interestEvents).toBe('tw:{tw}:interest-events');
    const spelled = clusterKeys('test-1');
    const all = [
      ...Object.values(spelled).filter((value): value is string => typeof value === 'string'),
      spelled.candles('BTCUSDT', '1m'),
    ].filter((value) => value !== 'test-1');
    expect(all.length).toBeGreaterThan(10);
    const tags = all.map((key) => /\{([^}]*)\}/.exec(key)?.[1]);
    expect(new Set(tags)).toEqual(new Set(['test-1']));
  });

  it('refuses a namespace that would break the key format', () => {
    expect(() => clusterKeys('a}b')).toThrow(/namespace/);
    expect(() => clusterKeys('')).toThrow(/namespace/);
  });
});

describe('leader values and script replies', () => {
  it('parses <instanceId>:<epoch>, with colons allowed in the id', () => {
    expect(parseLeaderValue('pod-1:7')).toEqual({ instanceId: 'pod-1', epoch: 7 });
    expect(parseLeaderValue('host:8080:12')).toEqual({ instanceId: 'host:8080', epoch: 12 });
    expect(parseLeaderValue('pod-1')).toBeUndefined();
    expect(parseLeaderValue(':3')).toBeUndefined();
    expect(parseLeaderValue('pod:0')).toBeUndefined();
  });

  it('turns the not-leader code into a typed error and passes other replies through', () => {
    expect(() => checkScriptReply(-1, 'publish', 'pod:1')).toThrow(NotLeaderError);
    expect(() => checkScriptReply(-9, 'publish', 'pod:1')).toThrow(/unknown code -9/);
    expect(checkScriptReply('1-0', 'publish', 'pod:1')).toBe('1-0');
  });
});

describe('redis addresses', () => {
  it('parses host:port lists, IPv6 in brackets included, and names a bad entry', () => {
    expect(parseRedisAddresses('a:1, [::1]:26379')).toEqual([
      { host: 'a', port: 1 },
      { host: '::1', port: 26379 },
    ]);
    expect(() => parseRedisAddresses('a:1,b')).toThrow(/"b"/);
    expect(() => parseRedisAddresses('a:99999')).toThrow(/host:port/);
  });
});

describe('interest events', () => {
  it('reads the JSON array the touch script publishes, escaped slashes included', () => {
    expect(parseInterestEvent('["BTCUSDT","FINNHUB:IC MARKETS:1","OANDA:EUR\\/USD"]')).toEqual([
      'BTCUSDT',
      'FINNHUB:IC MARKETS:1',
      'OANDA:EUR/USD',
    ]);
  });

  it('ignores anything else another client may publish on the channel', () => {
    for (const message of ['', 'not json', '{}', '[]', '"BTCUSDT"', '[1]', '["ok","bad*"]', '[null]']) {
      expect(parseInterestEvent(message)).toBeUndefined();
    }
  });
});

describe('batch codec', () => {
  it('encodes each ticker once and keeps only the latest per symbol for the hash', () => {
    const encoded = encodeBatch([tick('A', '1'), tick('B', '2'), tick('A', '3')]);
    expect(decodeBatch(encoded.batchJson)?.map((t) => t.last)).toEqual(['1', '2', '3']);
    expect(encoded.latestBySymbol).toEqual([
      'A',
      JSON.stringify(tick('A', '3')),
      'B',
      JSON.stringify(tick('B', '2')),
    ]);
  });

  it('returns undefined for entries that are not batches, instead of throwing', () => {
    expect(decodeBatch('not json')).toBeUndefined();
    expect(decodeBatch('{"symbol":"A"}')).toBeUndefined();
    expect(decodeBatch('[{"symbol":"A"}]')).toBeUndefined();
  });
});

describe('election timings', () => {
  it('accepts the defaults and refuses a deadline that is not between renew and lease', () => {
    expect(() => validateElectionTimings(DEFAULT_ELECTION_TIMINGS)).not.toThrow();
    expect(() => validateElectionTimings({ ...DEFAULT_ELECTION_TIMINGS, renewDeadlineMs: 6_000 })).toThrow(
      RangeError,
    );
    expect(() => validateElectionTimings({ ...DEFAULT_ELECTION_TIMINGS, renewMs: 4_000 })).toThrow(
      RangeError,
    );
  });
});
