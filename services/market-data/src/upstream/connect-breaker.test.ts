import { ConnectBreaker, FAILURE_WINDOW_MS, type BreakerState } from './connect-breaker';

const refused = () => Promise.reject(new Error('refused'));
const accepted = () => Promise.resolve('socket');

describe('ConnectBreaker', () => {
  let clock = 0;
  let breaker: ConnectBreaker;

  function create(failuresToOpen: number, resetMs = 60_000): ConnectBreaker {
    clock = 1_000_000;
    breaker = new ConnectBreaker({ failuresToOpen, resetMs, now: () => clock });
    return breaker;
  }

  async function attempt(connect: () => Promise<unknown>): Promise<void> {
    await breaker.fire(connect).catch(() => undefined);
  }

  afterEach(() => breaker.shutdown());

  it('opens on exactly the nth failed connect, however many connects succeeded before and between', async () => {
    create(5);
    for (let i = 0; i < 4; i++) await attempt(accepted);
    for (let i = 0; i < 2; i++) await attempt(refused);
    await attempt(accepted);
    for (let i = 0; i < 2; i++) await attempt(refused);
    expect(breaker.state()).toBe('closed');
    await attempt(refused);
    expect(breaker.state()).toBe('open');
  });

  it('forgets failed connects older than the window', async () => {
    create(3);
    await attempt(refused);
    clock += FAILURE_WINDOW_MS / 2;
    await attempt(refused);
    clock += FAILURE_WINDOW_MS / 2;
    // The first failure is a full window old now.
    await attempt(refused);
    expect(breaker.state()).toBe('closed');
    await attempt(refused);
    expect(breaker.state()).toBe('open');
  });

  it('counts afresh once a good trial connect has closed it', async () => {
    create(2, 20);
    const states: BreakerState[] = [];
    breaker.onStateChange((state) => states.push(state));
    await attempt(refused);
    await attempt(refused);
    expect(breaker.state()).toBe('open');
    await new Promise<void>((resolve) => {
      const stop = breaker.onStateChange((state) => state === 'half-open' && (stop(), resolve()));
    });
    await attempt(accepted);
    expect(breaker.state()).toBe('closed');
    await attempt(refused);
    expect(breaker.state()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again at once when the half-open trial fails', async () => {
    create(2, 20);
    await attempt(refused);
    await attempt(refused);
    await new Promise<void>((resolve) => {
      const stop = breaker.onStateChange((state) => state === 'half-open' && (stop(), resolve()));
    });
    await attempt(refused);
    expect(breaker.state()).toBe('open');
  });
});
