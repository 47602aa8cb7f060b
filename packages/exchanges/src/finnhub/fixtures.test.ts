/**
 * Every captured Finnhub frame and REST body in fixtures/ (provenance in fixtures/SOURCES.md)
 * must parse to the FeedMessage kind the protocol gives it; REST error samples must raise the
 * typed error.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { FeedMessage } from '../feed-message';
import { parseJsonKeepingNumbers } from '../lossless-json';
import { FinnhubRestError } from './errors';
import { parseFinnhubMessage } from './parse-message';
import { parseFinnhubQuote } from './rest-quote';

const FIXTURES = path.join(__dirname, '../../fixtures');
const RECEIVED = 1_800_000_000_000;

function lines(file: string): string[] {
  return readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** The expected kind of every line of every Finnhub frame file, in file order. */
const EXPECTED_KINDS: Record<string, FeedMessage['type'][]> = {
  'finnhub-trade.jsonl': ['tickers', 'tickers', 'tickers', 'tickers', 'tickers', 'tickers'],
  'finnhub-control.jsonl': ['heartbeat', 'error'],
  // c:[] is valid; line 2 is not JSON; "message" is an unknown type; "dta" misses "data".
  'finnhub-edge-cases.jsonl': ['tickers', 'malformed', 'ignored', 'malformed'],
};

const FRAME_FILES = readdirSync(FIXTURES).filter((file) => /^finnhub-.*\.jsonl$/.test(file));
const FRAME_CASES = FRAME_FILES.flatMap((file) =>
  lines(file).map((text, index) => ({ file, line: index + 1, text, kind: EXPECTED_KINDS[file]?.[index] })),
);

function parseFile(file: string): FeedMessage[] {
  return lines(file).map((line) => parseFinnhubMessage(line, RECEIVED));
}

describe('captured Finnhub frames', () => {
  it('have an expected kind for every line of every finnhub*.jsonl file', () => {
    expect(FRAME_FILES.sort()).toEqual(Object.keys(EXPECTED_KINDS).sort());
    for (const file of FRAME_FILES) expect(lines(file)).toHaveLength(EXPECTED_KINDS[file]?.length ?? -1);
  });

  it.each(FRAME_CASES)('$file line $line parses as $kind', ({ text, kind }) => {
    expect(parseFinnhubMessage(text, RECEIVED).type).toBe(kind);
  });

  it('give one update per trade element, in wire order', () => {
    const counts = lines('finnhub-trade.jsonl').map(
      (line) => (JSON.parse(line) as { data: unknown[] }).data.length,
    );
    expect(counts).toEqual([1, 2, 9, 10, 1, 1]);
    parseFile('finnhub-trade.jsonl').forEach((message, index) => {
      expect(message.type === 'tickers' && message.updates.length).toBe(counts[index]);
    });
  });

  it('keep the docs sample byte for byte, with no c key and a millisecond time', () => {
    expect(parseFile('finnhub-trade.jsonl')[0]).toEqual({
      type: 'tickers',
      updates: [
        {
          exchange: 'finnhub',
          symbol: 'FINNHUB:BINANCE:BTCUSDT',
          last: '7296.89',
          lastQty: '0.011467',
          tradeQty: '0.011467',
          eventTime: 1575526691134,
          receiveTime: RECEIVED,
          source: 'ws',
        },
      ],
    });
  });

  it('keep every value of the crypto frame with c:null exactly as written', () => {
    const message = parseFile('finnhub-trade.jsonl')[3];
    expect(
      message?.type === 'tickers' && message.updates.map((u) => [u.last, u.tradeQty, u.eventTime]),
    ).toEqual([
      ['66972.77', '0.01559', 1721555886208],
      ['66972.77', '0.00008', 1721555886208],
      ['66972.77', '0.0001', 1721555886208],
      ['66972.77', '0.02423', 1721555886208],
      ['66972.77', '0.00011', 1721555886261],
      ['66972.77', '0.00084', 1721555886418],
      ['66972.77', '0.00746', 1721555886721],
      ['66972.77', '0.00149', 1721555886721],
      ['66972.78', '0.0208', 1721555886860],
      ['66972.77', '0.00122', 1721555886950],
    ]);
  });

  it('read the equities frame that mixes TSLA and AAPL', () => {
    const message = parseFile('finnhub-trade.jsonl')[2];
    const symbols = message?.type === 'tickers' ? new Set(message.updates.map((u) => u.symbol)) : undefined;
    expect(symbols).toEqual(new Set(['FINNHUB:TSLA', 'FINNHUB:AAPL']));
  });

  it('read the control file as a heartbeat and the too-many-symbols error', () => {
    expect(parseFile('finnhub-control.jsonl')).toEqual([
      { type: 'heartbeat' },
      {
        type: 'error',
        id: null,
        code: 'FINNHUB_TOO_MANY_SYMBOLS',
        message: 'Subscribing to too many symbols',
      },
    ]);
  });

  it('explain why each negative edge case is refused', () => {
    const [, notJson, unknownType, misspelt] = parseFile('finnhub-edge-cases.jsonl');
    expect(notJson).toEqual(expect.objectContaining({ reason: expect.stringMatching(/invalid JSON/) }));
    expect(unknownType).toEqual({ type: 'ignored', reason: 'unhandled message type "message"' });
    expect(misspelt).toEqual(expect.objectContaining({ reason: expect.stringMatching(/field "data"/) }));
  });
});

interface QuoteSample {
  id: string;
  body: unknown;
}

/** Read losslessly, so each body's numbers are the text in the file. */
const QUOTE_SAMPLES = (
  parseJsonKeepingNumbers(readFileSync(path.join(FIXTURES, 'finnhub-quote-rest.json'), 'utf8')) as {
    samples: QuoteSample[];
  }
).samples;

describe('captured Finnhub quote bodies', () => {
  function sample(id: string): unknown {
    const found = QUOTE_SAMPLES.find((item) => item.id === id);
    if (found === undefined) throw new Error(`no sample ${id}`);
    return found.body;
  }

  function thrown(id: string): unknown {
    try {
      parseFinnhubQuote('FINNHUB:X', sample(id), RECEIVED);
    } catch (error) {
      return error;
    }
    throw new Error(`${id} did not throw`);
  }

  it('are all covered below', () => {
    expect(QUOTE_SAMPLES.map((item) => item.id)).toEqual([
      'real-quote-SPY-2022-12-28',
      'quote-integer-valued-pc',
      'real-quote-unknown-symbol',
      'real-quote-error-entitlement',
    ]);
  });

  it('read the SPY quote exactly, t in seconds', () => {
    expect(parseFinnhubQuote('FINNHUB:SPY', sample('real-quote-SPY-2022-12-28'), RECEIVED)).toEqual({
      exchange: 'finnhub',
      symbol: 'FINNHUB:SPY',
      last: '376.66',
      open: '381.33',
      high: '383.38',
      low: '376.42',
      change: '-4.74',
      changePct: '-1.2428',
      eventTime: 1672261200000,
      receiveTime: RECEIVED,
      source: 'rest',
    });
  });

  it('read a quote whose numbers have no decimal point', () => {
    expect(parseFinnhubQuote('FINNHUB:X', sample('quote-integer-valued-pc'), RECEIVED)).toMatchObject({
      last: '311.55',
      high: '316.2894',
      eventTime: 1786038273000,
    });
  });

  it('raise the unknown-symbol error for the all-zero body', () => {
    expect(thrown('real-quote-unknown-symbol')).toBeInstanceOf(FinnhubRestError);
    expect(thrown('real-quote-unknown-symbol')).toMatchObject({ code: 'FINNHUB_UNKNOWN_SYMBOL' });
  });

  it('raise the API error with Finnhub text for the entitlement body', () => {
    expect(thrown('real-quote-error-entitlement')).toMatchObject({
      code: 'FINNHUB_API_ERROR',
      finnhubMessage: 'Market data subscription required for CFD indices.',
    });
  });
});
