/**
 * Every captured Coinbase frame in fixtures/ (provenance in fixtures/SOURCES.md) must parse to
 * the FeedMessage kind the protocol gives it, and the recorded client subscribe requests must be
 * what the adapter itself sends.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { FeedMessage } from '../feed-message';
import { coinbaseSubscribeFrames } from './control-frames';
import { CoinbaseHeartbeatGapDetector } from './heartbeat-gap-detector';
import { parseCoinbaseMessage } from './parse-message';

const FIXTURES = path.join(__dirname, '../../fixtures');
const RECEIVED = 1_800_000_000_000;

function lines(file: string): string[] {
  return readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

function parseFile(file: string): FeedMessage[] {
  return lines(file).map((line) => parseCoinbaseMessage(line, RECEIVED));
}

/** The expected kind of every line of every Coinbase file, in file order. */
const EXPECTED_KINDS: Record<string, FeedMessage['type'][]> = {
  'coinbase-ticker.jsonl': Array<FeedMessage['type']>(10).fill('tickers'),
  'coinbase-control.jsonl': ['ack', 'ack', 'ack', 'heartbeat', 'error'],
  // Client-to-server frames: a server never sends them, so a parser that sees one ignores it.
  'coinbase-subscribe-requests.jsonl': ['ignored', 'ignored', 'ignored'],
};

const FILES = readdirSync(FIXTURES).filter((file) => /^coinbase-.*\.jsonl$/.test(file));
const CASES = FILES.flatMap((file) =>
  lines(file).map((text, index) => ({ file, line: index + 1, text, kind: EXPECTED_KINDS[file]?.[index] })),
);

describe('captured Coinbase frames', () => {
  it('have an expected kind for every line of every coinbase*.jsonl file', () => {
    expect(FILES.sort()).toEqual(Object.keys(EXPECTED_KINDS).sort());
    for (const file of FILES) expect(lines(file)).toHaveLength(EXPECTED_KINDS[file]?.length ?? -1);
  });

  it.each(CASES)('$file line $line parses as $kind', ({ text, kind }) => {
    expect(parseCoinbaseMessage(text, RECEIVED).type).toBe(kind);
  });

  it('give one update per ticker, for the product it names', () => {
    const products = lines('coinbase-ticker.jsonl').map(
      (line) => (JSON.parse(line) as { product_id: string }).product_id,
    );
    parseFile('coinbase-ticker.jsonl').forEach((message, index) => {
      expect(message.type === 'tickers' && message.updates.map((u) => u.symbol)).toEqual([
        `COINBASE:${products[index]}`,
      ]);
    });
  });

  it('keep the 2019 BTC-USD ticker values byte for byte, trailing zeros included', () => {
    expect(parseFile('coinbase-ticker.jsonl')[6]).toEqual({
      type: 'tickers',
      updates: [
        {
          exchange: 'coinbase',
          symbol: 'COINBASE:BTC-USD',
          last: '4095.00000000',
          lastQty: '2.00000000',
          bid: '4094.99',
          ask: '4095',
          open: '4094.14000000',
          high: '4103.00000000',
          low: '4077.01000000',
          change: '0.86000000',
          changePct: '0.021',
          baseVolume: '3142.70640811',
          eventTime: Date.UTC(2019, 3, 1, 0, 0, 4, 540),
          receiveTime: RECEIVED,
          source: 'ws',
        },
      ],
    });
  });

  it('read the best bid and ask sizes where the 2022 ticker has them, and only there', () => {
    const updates = parseFile('coinbase-ticker.jsonl').map((m) =>
      m.type === 'tickers' ? m.updates[0] : undefined,
    );
    expect(updates.map((u) => u?.bidQty !== undefined)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      false,
    ]);
    expect(updates[8]).toMatchObject({ bidQty: '0.61540890', askQty: '0.18528568' });
  });

  it('stamp each ticker with its own time, even the minutes-old ones replayed on subscribe', () => {
    const times = parseFile('coinbase-ticker.jsonl')
      .slice(0, 6)
      .map((m) => (m.type === 'tickers' ? m.updates[0]?.eventTime : undefined));
    expect(times[5]).toBe(Date.UTC(2021, 3, 17, 16, 41, 49, 984));
    expect(new Set(times).size).toBe(6);
  });

  it('never set a trade quantity on a ticker', () => {
    for (const message of parseFile('coinbase-ticker.jsonl')) {
      expect(message.type === 'tickers' && message.updates[0]).not.toHaveProperty('tradeQty');
    }
  });

  it('read the cumulative subscriptions acks as the whole state, whatever the product order', () => {
    const [first, second, third] = parseFile('coinbase-control.jsonl');
    const streams = (message: FeedMessage | undefined): string[] =>
      message?.type === 'ack' ? [...(message.streams ?? [])].sort() : [];
    expect(first).toMatchObject({ type: 'ack', id: null });
    expect(streams(first)).toHaveLength(10);
    expect(streams(second)).toHaveLength(20);
    expect(streams(third)).toHaveLength(30);
    // Each ack contains the previous one: the state only grew.
    expect(streams(third)).toEqual(expect.arrayContaining(streams(second)));
    expect(streams(second)).toEqual(expect.arrayContaining(streams(first)));
    expect(streams(third)).toContain('matches:SKL-BTC');
  });

  it('read the docs heartbeat and the recorded error', () => {
    const [, , , heartbeat, error] = parseFile('coinbase-control.jsonl');
    expect(heartbeat).toEqual({
      type: 'heartbeat',
      symbol: 'COINBASE:BTC-USD',
      sequence: 90,
      lastTradeId: 20,
      time: Date.UTC(2014, 10, 7, 8, 19, 28, 464),
    });
    expect(
      new CoinbaseHeartbeatGapDetector().observe(heartbeat as Extract<FeedMessage, { type: 'heartbeat' }>),
    ).toBeUndefined();
    expect(error).toEqual({
      type: 'error',
      id: null,
      code: 'COINBASE_SUBSCRIBE_FAILED',
      message: 'Failed to subscribe: You need to specify at least one product ID for channel heartbeat',
    });
  });
});

describe('recorded Coinbase subscribe requests', () => {
  it.each(lines('coinbase-subscribe-requests.jsonl').map((text, index) => ({ line: index + 1, text })))(
    'line $line is byte for byte what the adapter sends for the same streams',
    ({ text }) => {
      const request = JSON.parse(text) as { product_ids: string[]; channels: string[] };
      const streams = request.channels.flatMap((channel) =>
        request.product_ids.map((id) => `${channel}:${id}`),
      );
      expect(coinbaseSubscribeFrames(streams)).toEqual([text]);
    },
  );
});
