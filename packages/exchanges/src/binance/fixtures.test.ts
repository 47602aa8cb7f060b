/**
 * Every captured Binance frame and REST body in fixtures/ (provenance in fixtures/SOURCES.md)
 * must be accepted: parsed to something other than `malformed`, or, for REST error samples,
 * rejected with the typed error.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { FeedMessage } from '../feed-message';
import { BinanceRestError } from './errors';
import { parseBinanceMessage } from './parse-message';
import { parseRestTickers } from './rest-tickers';

const FIXTURES = path.join(__dirname, '../../fixtures');
const RECEIVED = 1_800_000_000_000;

function lines(file: string): string[] {
  return readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

function parseFile(file: string): FeedMessage[] {
  return lines(file).map((line) => parseBinanceMessage(line, RECEIVED));
}

const FRAME_FILES = readdirSync(FIXTURES).filter((file) => /^binance(us)?-.*\.jsonl$/.test(file));
const FRAME_CASES = FRAME_FILES.flatMap((file) =>
  lines(file).map((line, index) => ({ file, line: index + 1, text: line })),
);

describe('captured Binance frames', () => {
  it('include every binance*.jsonl fixture, binanceus-combined.jsonl among them', () => {
    expect(FRAME_FILES).toEqual(
      expect.arrayContaining(['binance-control.jsonl', 'binanceus-combined.jsonl']),
    );
    expect(FRAME_FILES.length).toBeGreaterThanOrEqual(13);
  });

  it.each(FRAME_CASES)('$file line $line is not malformed', ({ text }) => {
    const message = parseBinanceMessage(text, RECEIVED);
    expect(message).not.toEqual(expect.objectContaining({ type: 'malformed' }));
  });

  it('turn every market-data file into tickers, one update per payload', () => {
    for (const file of [
      'binance-aggTrade.jsonl',
      'binance-bookTicker.jsonl',
      'binance-combined-ticker.jsonl',
      'binance-combined.jsonl',
      'binance-kline.jsonl',
      'binance-miniTicker.jsonl',
      'binance-ticker.jsonl',
      'binance-trade.jsonl',
      'binanceus-combined.jsonl',
    ]) {
      for (const message of parseFile(file)) {
        expect(message.type === 'tickers' && message.updates.length).toBe(1);
      }
    }
  });

  it('give the raw and the combined @ticker frames the same updates', () => {
    expect(parseFile('binance-combined-ticker.jsonl')).toEqual(parseFile('binance-ticker.jsonl'));
  });

  it('keep the BTCUSDT ticker values byte for byte', () => {
    const message = parseFile('binance-ticker.jsonl')[1];
    expect(message).toEqual({
      type: 'tickers',
      updates: [
        {
          exchange: 'binance',
          symbol: 'BTCUSDT',
          last: '9318.48000000',
          lastQty: '0.00250000',
          bid: '9318.18000000',
          bidQty: '0.32000000',
          ask: '9318.47000000',
          askQty: '0.35414300',
          open: '9383.48000000',
          high: '9438.30000000',
          low: '9215.79000000',
          change: '-65.00000000',
          changePct: '-0.693',
          baseVolume: '48745.36667100',
          quoteVolume: '455442476.18534620',
          eventTime: 1592593727005,
          receiveTime: RECEIVED,
          source: 'ws',
        },
      ],
    });
  });

  it('read every element of the !miniTicker@arr frames, in wire order', () => {
    const [first, second] = parseFile('binance-miniTicker-arr.jsonl');
    const firstCount = (JSON.parse(lines('binance-miniTicker-arr.jsonl')[0]!) as unknown[]).length;
    expect(first?.type === 'tickers' && first.updates.length).toBe(firstCount);
    expect(second?.type === 'tickers' && second.updates.map((u) => [u.symbol, u.eventTime])).toEqual([
      ['BTCUSDT', 1691754449551],
      ['XMRBTC', 1691754449545],
    ]);
  });

  it('read the edge cases: retired !ticker@arr, extra st, futures ticker and both bookTicker shapes', () => {
    const [tickerArr, aggWithSt, bookWithTimes, futuresTicker, futuresBook] =
      parseFile('binance-edge-cases.jsonl');
    expect(tickerArr?.type === 'tickers' && tickerArr.updates.map((u) => u.symbol)).toEqual(['ETHBTC']);
    expect(aggWithSt?.type === 'tickers' && aggWithSt.updates[0]?.last).toBe('1632.46000000');
    expect(bookWithTimes?.type === 'tickers' && bookWithTimes.updates[0]?.eventTime).toBe(1646199228123);
    expect(futuresTicker?.type === 'tickers' && futuresTicker.updates[0]).toEqual(
      expect.objectContaining({ last: '1782.02', lastQty: '0.003', change: '24.69', changePct: '1.405' }),
    );
    expect(futuresTicker?.type === 'tickers' && futuresTicker.updates[0]).not.toHaveProperty('bid');
    expect(futuresBook?.type === 'tickers' && futuresBook.updates[0]?.eventTime).toBe(1653817855289);
  });

  it('stamp spot bookTicker frames, which carry no time, with the receive time', () => {
    for (const message of parseFile('binance-bookTicker.jsonl')) {
      expect(message.type === 'tickers' && message.updates[0]?.eventTime).toBe(RECEIVED);
    }
  });

  it('read the control file as acks, errors and shutdowns', () => {
    expect(parseFile('binance-control.jsonl').map((message) => message.type)).toEqual([
      'ack',
      'ack',
      'ack',
      'ack',
      'error',
      'error',
      'error',
      'error',
      'error',
      'error',
      'shutdown',
      'shutdown',
    ]);
    expect(parseFile('binance-control.jsonl')[6]).toEqual({
      type: 'error',
      id: 19,
      code: 4,
      message: 'Too many subscriptions',
    });
  });

  it('ignore the docs examples of streams Tickwire does not use', () => {
    const types = parseFile('binance-docs-examples.jsonl').map((message) => message.type);
    expect(types).toEqual([
      'tickers',
      'tickers',
      'tickers',
      'tickers',
      'tickers',
      'ignored',
      'tickers',
      'ignored',
    ]);
  });
});

interface RestSample {
  id: string;
  status: number;
  body: unknown;
}

const REST_SAMPLES = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'binance-24hr-rest.json'), 'utf8')) as { samples: RestSample[] }
).samples;

describe('captured Binance REST bodies', () => {
  const ok = REST_SAMPLES.filter((sample) => sample.status === 200);
  const errors = REST_SAMPLES.filter((sample) => sample.status !== 200);

  it('cover both successes and errors', () => {
    expect(ok.length).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
  });

  it.each(ok.map((sample) => [sample.id, sample] as const))('%s parses into REST updates', (_id, sample) => {
    const updates = parseRestTickers(sample.body, RECEIVED);
    expect(updates).toHaveLength(Array.isArray(sample.body) ? sample.body.length : 1);
    for (const update of updates) {
      expect(update.source).toBe('rest');
      expect(update.exchange).toBe('binance');
      expect(typeof update.last).toBe('string');
    }
  });

  it.each(errors.map((sample) => [sample.id, sample] as const))(
    '%s raises the typed API error',
    (_id, sample) => {
      const body = sample.body as { code: number; msg: string };
      let thrown: unknown;
      try {
        parseRestTickers(sample.body, RECEIVED);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BinanceRestError);
      expect(thrown).toMatchObject({
        code: 'BINANCE_API_ERROR',
        binanceCode: body.code,
        binanceMessage: body.msg,
      });
    },
  );
});
