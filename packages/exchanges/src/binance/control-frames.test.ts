import {
  buildControlFrames,
  listSubscriptionsFrame,
  subscribeFrames,
  unsubscribeFrames,
} from './control-frames';
import { BINANCE_MAX_STREAMS_PER_CONTROL_FRAME } from './limits';

function counter(start = 1): () => number {
  let next = start;
  return () => next++;
}

interface Request {
  method: string;
  params?: string[];
  id: number;
}

const streams = (count: number): string[] => Array.from({ length: count }, (_, i) => `s${i}@aggTrade`);

describe('control frames', () => {
  it('subscribes in the documented request shape', () => {
    expect(subscribeFrames(['btcusdt@aggTrade', 'btcusdt@depth'], counter())).toEqual([
      '{"method":"SUBSCRIBE","params":["btcusdt@aggTrade","btcusdt@depth"],"id":1}',
    ]);
  });

  it('unsubscribes in the documented request shape', () => {
    expect(unsubscribeFrames(['btcusdt@depth'], counter(312))).toEqual([
      '{"method":"UNSUBSCRIBE","params":["btcusdt@depth"],"id":312}',
    ]);
  });

  it('asks for the subscription list with the given id', () => {
    expect(JSON.parse(listSubscriptionsFrame(3))).toEqual({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
  });

  it('splits 1024 streams into frames of at most 200, each with its own id, losing none', () => {
    expect(BINANCE_MAX_STREAMS_PER_CONTROL_FRAME).toBe(200);
    const all = streams(1024);
    const frames = subscribeFrames(all, counter(10)).map((text) => JSON.parse(text) as Request);
    expect(frames).toHaveLength(6);
    expect(frames.map((frame) => frame.params?.length)).toEqual([200, 200, 200, 200, 200, 24]);
    expect(frames.map((frame) => frame.id)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(frames.flatMap((frame) => frame.params)).toEqual(all);
    expect(frames.every((frame) => frame.method === 'SUBSCRIBE')).toBe(true);
  });

  it('fits exactly 200 streams into one frame and 201 into two', () => {
    expect(subscribeFrames(streams(200), counter())).toHaveLength(1);
    expect(unsubscribeFrames(streams(201), counter())).toHaveLength(2);
  });

  it('sends nothing and takes no id for an empty list', () => {
    const nextId = jest.fn(counter());
    expect(subscribeFrames([], nextId)).toEqual([]);
    expect(nextId).not.toHaveBeenCalled();
  });

  it('reports each frame id and streams so acks can be matched', () => {
    const frames = buildControlFrames(
      'SUBSCRIBE',
      ['a@trade', 'b@trade', 'a@trade', 'c@trade'],
      counter(7),
      2,
    );
    expect(frames.map(({ id, streams: chunk }) => ({ id, chunk }))).toEqual([
      { id: 7, chunk: ['a@trade', 'b@trade'] },
      { id: 8, chunk: ['c@trade'] },
    ]);
  });

  it('refuses a chunk size below one', () => {
    expect(() => buildControlFrames('SUBSCRIBE', ['a@trade'], counter(), 0)).toThrow(RangeError);
  });
});
