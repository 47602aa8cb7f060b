import { createLogger } from '@tickwire/observability';
import { startExchangeSim, waitFor, type ExchangeSim } from '@tickwire/testkit';
import { ConnectBreaker, type BreakerState } from './connect-breaker';
import { FeedConnection } from './feed-connection';

/** Long enough that a stall of this process (up to ~1.5 s) cannot pass for the reset period. */
const RESET_MS = 3_000;

describe('FeedConnection circuit breaker (against the simulator)', () => {
  let sim: ExchangeSim;
  let connection: FeedConnection | undefined;
  let breaker: ConnectBreaker | undefined;
  const states: BreakerState[] = [];
  /** When the breaker entered each state in `states` (ms), taken in its own event. */
  const stateTimes: number[] = [];

  beforeEach(async () => {
    sim = await startExchangeSim({ tradesPerSecond: 10, tickerIntervalMs: 200, pingIntervalMs: 60_000 });
    states.length = 0;
    stateTimes.length = 0;
  });

  afterEach(async () => {
    await connection?.stop();
    breaker?.shutdown();
    await sim.stop();
  });

  const start = async () => {
    connection = new FeedConnection({
      url: () => `${sim.wsUrl}/stream?streams=btcusdt@aggTrade`,
      watchdogMs: 10_000,
      backoff: { baseMs: 20, maxMs: 100 },
      breaker: (breaker = new ConnectBreaker({
        failuresToOpen: 3,
        resetMs: RESET_MS,
        onEvent: (event, state) => {
          if (event !== 'open' && event !== 'halfOpen' && event !== 'close') return;
          states.push(state);
          stateTimes.push(Date.now());
        },
      })),
      handshakeTimeoutMs: 2_000,
      maxFrameBytes: 1 << 20,
      logger: createLogger({ level: 'silent', service: 'test' }),
      onFrame: () => {},
    });
    await connection.start();
    return connection;
  };

  it('opens after repeated connect failures, makes no attempt while open, and closes after a good trial', async () => {
    sim.faults.refuseConnections(true);
    const feed = await start();
    await waitFor(() => feed.breakerState() === 'open', { timeoutMs: 5_000, what: 'the breaker to open' });
    const refusedWhenOpened = sim.stats().refusedConnections;
    expect(refusedWhenOpened).toBe(3);

    // A quarter of the reset period, counted from the opening: however late the wait above saw
    // it, the trial (a whole period after it) is still to come when the checks run.
    const untilQuarter = stateTimes[0]! + RESET_MS / 4 - Date.now();
    if (untilQuarter > 0) await new Promise((resolve) => setTimeout(resolve, untilQuarter));
    expect(sim.stats().refusedConnections).toBe(refusedWhenOpened); // nothing tried while open
    expect(feed.status()).toBe('waiting');

    sim.faults.refuseConnections(false);
    await waitFor(() => feed.status() === 'open', { timeoutMs: 10_000, what: 'the trial connect' });
    expect(feed.breakerState()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
    // The trial waited for resetMs after the breaker opened. Timers fire at or after their delay,
    // but counted from the event loop's time cached when its turn began: a timer armed late in a
    // long turn (or one this process was descheduled in) fires that much sooner by Date.now().
    // A trial that ignored the reset would come within the backoff (100 ms) of the refusals
    // ending, RESET_MS / 4 after the opening: half of RESET_MS tells the two apart and leaves
    // room for a 1.5 s turn.
    expect(stateTimes[1]! - stateTimes[0]!).toBeGreaterThanOrEqual(RESET_MS / 2);
  });

  it('opens again when the half-open trial fails, with exactly one attempt per trial', async () => {
    sim.faults.refuseConnections(true);
    const feed = await start();
    await waitFor(() => states.length >= 3, { timeoutMs: 10_000, what: 'open, half-open, open' });
    expect(states.slice(0, 3)).toEqual(['open', 'half-open', 'open']);
    expect(sim.stats().refusedConnections).toBe(4);
    expect(feed.status()).toBe('waiting');
  });
});
