import { BATCH_WINDOW_MS, BatchController, MAX_BATCH_TARGET } from './batch-controller';

function controller() {
  let now = 0;
  const changes: number[] = [];
  const c = new BatchController({ now: () => now, onChange: (change) => changes.push(change.batchTarget) });
  /** One window: the loop busy `busyShare` of it, writes carrying `eventsPerWrite` events each. */
  const window = (busyShare: number, eventsPerWrite: number) => {
    c.recordWrites(1_000, 1_000 * eventsPerWrite);
    now += BATCH_WINDOW_MS;
    c.recordBusy(BATCH_WINDOW_MS * busyShare);
  };
  return { c, window, changes };
}

describe('BatchController', () => {
  it('writes at once while the loop keeps up', () => {
    const { c, window } = controller();
    for (let i = 0; i < 10; i += 1) window(0.85, 1);
    expect(c.batchTarget).toBe(1);
  });

  it('gathers two events per write once the loop is saturated, and stays there while one would saturate it again', () => {
    const { c, window, changes } = controller();
    window(1, 1);
    window(1, 1);
    expect(c.batchTarget).toBe(2);
    // Half the writes now: one event per write would need 2 x 0.5 of the loop.
    for (let i = 0; i < 10; i += 1) window(0.5, 2);
    expect(c.batchTarget).toBe(2);
    expect(changes).toEqual([2]);
  });

  it('goes back to one event per write when the load falls', () => {
    const { c, window } = controller();
    window(1, 1);
    window(1, 1);
    window(0.3, 2);
    expect(c.batchTarget).toBe(1);
  });

  it('does not raise the target further while groups cannot reach the current one', () => {
    const { c, window } = controller();
    window(1, 1);
    window(1, 1);
    expect(c.batchTarget).toBe(2);
    // Every group is too slow to gather two events within the linger bound.
    for (let i = 0; i < 5; i += 1) window(1, 1);
    expect(c.batchTarget).toBe(2);
  });

  it('never raises the target past MAX_BATCH_TARGET', () => {
    const { c, window } = controller();
    for (let i = 0; i < 40; i += 1) window(1, c.batchTarget);
    expect(c.batchTarget).toBe(MAX_BATCH_TARGET);
  });
});
