/**
 * The Massive frames and REST bodies in fixtures/ (copied from the documented examples, see
 * fixtures/SOURCES.md) parse to the message kind the protocol gives them, with every price and
 * size the exact decimal text of its JSON number.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeedMessage } from '../feed-message';
import { MassiveErrorCode, MassiveRestError } from './errors';
import { parseMassiveMarketStatusText } from './market-status';
import { parseMassiveMessage } from './parse-message';
import { parseMassiveSnapshotText } from './rest-snapshot';
import { parseMassiveTickerPage } from './symbol-list';

const FIXTURES = path.join(__dirname, '../../fixtures');
const RECEIVED = 1_800_000_000_000;

function lines(file: string): string[] {
  return readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

function parseFile(file: string): FeedMessage[] {
  return lines(file).map((line) => parseMassiveMessage(line, RECEIVED));
}

interface RestSample {
  id: string;
  status: number;
  bodyText: string;
}

const REST = new Map(
  (
    JSON.parse(readFileSync(path.join(FIXTURES, 'massive-rest.json'), 'utf8')) as { samples: RestSample[] }
  ).samples.map((sample) => [sample.id, sample.bodyText]),
);

function rest(id: string): string {
  const body = REST.get(id);
  if (body === undefined) throw new Error(`no REST sample ${id}`);
  return body;
}

describe('Massive stock frames (spec examples)', () => {
  it('turn T, Q, A, AM and a mixed frame into exact ticker updates', () => {
    const [trade, quote, second, minute, mixed, fractional] = parseFile('massive-stocks.jsonl');
    expect(trade).toEqual({
      type: 'tickers',
      updates: [
        {
          exchange: 'massive',
          symbol: 'MASSIVE:MSFT',
          eventTime: 1536036818784,
          receiveTime: RECEIVED,
          source: 'ws',
          last: '114.125',
          lastQty: '100',
          tradeQty: '100',
        },
      ],
    });
    // Sizes are round lots: 100 lots bid, 160 lots ask.
    expect(quote).toEqual({
      type: 'tickers',
      updates: [
        {
          exchange: 'massive',
          symbol: 'MASSIVE:MSFT',
          eventTime: 1536036818784,
          receiveTime: RECEIVED,
          source: 'ws',
          bid: '114.125',
          bidQty: '10000',
          ask: '114.128',
          askQty: '16000',
        },
      ],
    });
    expect(second).toMatchObject({
      type: 'tickers',
      updates: [
        {
          symbol: 'MASSIVE:SPCE',
          eventTime: 1610144869000,
          last: '25.39',
          open: '25.66',
          baseVolume: '8642007',
          change: '-0.27',
        },
      ],
    });
    expect(minute).toMatchObject({
      type: 'tickers',
      updates: [
        {
          symbol: 'MASSIVE:GTE',
          eventTime: 1610144700000,
          last: '0.4486',
          open: '0.4372',
          baseVolume: '9470157',
          change: '0.0114',
          // The minute itself, the candle of that minute (s to e), exact text.
          bar: {
            interval: '1m',
            openTime: 1610144640000,
            open: '0.4488',
            high: '0.4489',
            low: '0.4486',
            close: '0.4486',
            volume: '4110',
          },
        },
      ],
    });
    expect(second?.type === 'tickers' && second.updates[0]?.bar).toBeUndefined();
    expect(mixed?.type === 'tickers' && mixed.updates.map((u) => [u.last, u.bid])).toEqual([
      ['114.125', undefined],
      [undefined, '114.125'],
    ]);
    // An integer token stays an integer; `ds` is the exact fractional size.
    expect(fractional).toMatchObject({ type: 'tickers', updates: [{ last: '120', tradeQty: '50.0' }] });
  });

  it('turn status events into acks and coded errors', () => {
    const messages = parseFile('massive-control.jsonl');
    expect(messages.map((m) => m.type)).toEqual([
      'ack',
      'ack',
      'ack',
      'ack',
      'ack',
      'ack',
      'error',
      'error',
      'error',
      'error',
    ]);
    expect(messages.slice(6).map((m) => m.type === 'error' && [m.code, m.message])).toEqual([
      ['MASSIVE_AUTH_FAILED', 'auth_failed: authentication failed'],
      ['MASSIVE_AUTH_TIMEOUT', 'auth_timeout: No authentication request received.'],
      ['MASSIVE_MAX_CONNECTIONS', 'max_connections: Maximum number of connections exceeded.'],
      ['MASSIVE_AUTH_FAILED', "auth_failed: Your plan doesn't include websocket access."],
    ]);
  });

  it('refuse what the protocol does not allow and skip events Tickwire does not use', () => {
    expect(parseFile('massive-edge-cases.jsonl').map((m) => m.type)).toEqual([
      'malformed', // an object, not an array
      'ignored', // LULD
      'malformed', // a price as a string
      'malformed', // truncated
      'ignored', // empty array
    ]);
  });
});

describe('Massive REST bodies (spec examples)', () => {
  it('read the batch snapshot exactly, with lot sizes as shares and ns times cut to ms', () => {
    expect(parseMassiveSnapshotText(rest('docs-snapshot-BCAT'), RECEIVED)).toEqual([
      {
        exchange: 'massive',
        symbol: 'MASSIVE:BCAT',
        eventTime: 1605192894630,
        receiveTime: RECEIVED,
        source: 'rest',
        last: '20.506',
        lastQty: '2416',
        bid: '20.5',
        bidQty: '1300',
        ask: '20.6',
        askQty: '2200',
        open: '20.64',
        high: '20.64',
        low: '20.506',
        baseVolume: '37216',
        change: '-0.124',
        changePct: '-0.601',
      },
    ]);
  });

  it('keep every digit of a 19-digit nanosecond time and an integer-token price', () => {
    const [update] = parseMassiveSnapshotText(rest('snapshot-ns-from-csv'), RECEIVED);
    // As a double, 1605195918507251817 reads 1605195918507251700: the ms would still match, so
    // check the cut is from the text (817 ns dropped, never rounded up).
    expect(update).toMatchObject({ eventTime: 1605195918507, high: '21' });
  });

  it('read a reference tickers page and its next_url', () => {
    expect(parseMassiveTickerPage(rest('docs-reference-tickers'))).toEqual({
      symbols: [{ symbol: 'MASSIVE:A', name: 'Agilent Technologies Inc.' }],
      nextUrl: 'https://api.massive.com/v3/reference/tickers?cursor=YWN0aXZlPXRydWUm',
    });
  });

  it('read the market status', () => {
    expect(parseMassiveMarketStatusText(rest('docs-market-status'))).toEqual({
      state: 'extended-hours',
      trading: true,
    });
  });

  it.each(['third-party-429', 'third-party-403'])(
    'raise MASSIVE_API_ERROR with Massive status for %s',
    (id) => {
      let caught: unknown;
      try {
        parseMassiveSnapshotText(rest(id), RECEIVED);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MassiveRestError);
      expect((caught as MassiveRestError).code).toBe(MassiveErrorCode.ApiError);
      expect((caught as MassiveRestError).massiveStatus).toBe(
        id.endsWith('429') ? 'ERROR' : 'NOT_AUTHORIZED',
      );
    },
  );
});

describe('a Massive AM event whose window is not one UTC minute', () => {
  it('is malformed: its bar could not be a minute candle', () => {
    const frame =
      '[{"ev":"AM","sym":"GTE","v":4110,"av":9470157,"op":0.4372,"vw":0.4488,"o":0.4488,"c":0.4486,' +
      '"h":0.4489,"l":0.4486,"a":0.4352,"z":685,"s":1610144640000,"e":1610144641000}]';
    expect(parseMassiveMessage(frame, RECEIVED)).toEqual({
      type: 'malformed',
      reason: expect.stringContaining('"e"') as string,
    });
  });
});
