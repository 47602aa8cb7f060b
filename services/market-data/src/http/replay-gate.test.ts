import { ReplayGate } from './replay-gate';

describe('the replay gate', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('grants slots up to the limit at once, then lines clients up and hands each freed slot to the first in line', async () => {
    const gate = new ReplayGate({ maxInFlight: 2, maxQueued: 10, maxWaitMs: 5_000 });
    expect(await gate.acquire()).toBe(true);
    expect(await gate.acquire()).toBe(true);
    const order: string[] = [];
    const third = gate.acquire().then((granted) => order.push(`third:${granted}`));
    const fourth = gate.acquire().then((granted) => order.push(`fourth:${granted}`));
    expect(gate.waiting()).toBe(2);
    gate.release();
    gate.release();
    await Promise.all([third, fourth]);
    expect(order).toEqual(['third:true', 'fourth:true']);
    expect(gate.waiting()).toBe(0);
  });

  it('refuses a client whose wait passes the bound, and one more than the line holds', async () => {
    const gate = new ReplayGate({ maxInFlight: 1, maxQueued: 1, maxWaitMs: 1_000 });
    expect(await gate.acquire()).toBe(true);
    const waiting = gate.acquire();
    expect(await gate.acquire()).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(await waiting).toBe(false);
    expect(gate.waiting()).toBe(0);
    // The slot still held is freed on release, and the next client gets it at once.
    gate.release();
    expect(await gate.acquire()).toBe(true);
  });
});
