import type { ServerResponse } from 'node:http';
import { HeldAnswers } from './held-answers';

/** The two fields HeldAnswers reads of a response. */
const response = () => ({ destroyed: false, shouldKeepAlive: true }) as ServerResponse;

describe('HeldAnswers', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('sends each answer once its delay has passed, oldest first', () => {
    const held = new HeldAnswers(1_000, 10);
    const sent: string[] = [];
    held.hold(response(), () => sent.push('a'));
    jest.advanceTimersByTime(400);
    held.hold(response(), () => sent.push('b'));
    jest.advanceTimersByTime(599);
    expect(sent).toEqual([]);
    expect(held.size).toBe(2);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual(['a']);
    jest.advanceTimersByTime(400);
    expect(sent).toEqual(['a', 'b']);
    expect(held.size).toBe(0);
  });

  it('does not answer a client that left while its answer waited', () => {
    const held = new HeldAnswers(100, 10);
    const gone = response();
    const sent: string[] = [];
    held.hold(gone, () => sent.push('gone'));
    held.hold(response(), () => sent.push('here'));
    (gone as { destroyed: boolean }).destroyed = true;
    jest.advanceTimersByTime(100);
    expect(sent).toEqual(['here']);
  });

  it('past maxHeld, answers at once and closes the connection', () => {
    const held = new HeldAnswers(100, 2);
    const sent: string[] = [];
    const third = response();
    held.hold(response(), () => sent.push('1'));
    held.hold(response(), () => sent.push('2'));
    held.hold(third, () => sent.push('3'));
    expect(sent).toEqual(['3']);
    expect(third.shouldKeepAlive).toBe(false);
    jest.advanceTimersByTime(100);
    expect(sent).toEqual(['3', '1', '2']);
  });

  it('with no delay, answers at once and keeps the connection', () => {
    const held = new HeldAnswers(0, 2);
    const res = response();
    let sent = false;
    held.hold(res, () => (sent = true));
    expect(sent).toBe(true);
    expect(res.shouldKeepAlive).toBe(true);
  });

  it('keeps its order across many answers (the queue compacts behind the sent ones)', () => {
    const held = new HeldAnswers(10, 5_000);
    const sent: number[] = [];
    for (let i = 0; i < 3_000; i += 1) {
      held.hold(response(), () => sent.push(i));
      jest.advanceTimersByTime(1);
    }
    jest.advanceTimersByTime(10);
    expect(sent).toEqual(Array.from({ length: 3_000 }, (_, i) => i));
  });
});
