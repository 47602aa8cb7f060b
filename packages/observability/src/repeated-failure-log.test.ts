import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { RepeatedFailureLog, type RepeatedFailureLogOptions } from './repeated-failure-log';

const INTERVAL_MS = 1_000;

/** A log of parsed lines over a clock the test moves by hand. */
function repeatedFailureLog(options: Partial<RepeatedFailureLogOptions> = {}) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const clock = { now: 0 };
  const log = new RepeatedFailureLog({
    logger: createLogger({ level: 'info', service: 'test', destination }).child({ component: 'publisher' }),
    message: 'publish failed',
    recoveredMessage: 'publishing recovered',
    level: 'error',
    intervalMs: INTERVAL_MS,
    now: () => clock.now,
    ...options,
  });
  return { log, lines, clock };
}

describe('a repeated failure log', () => {
  it('logs the first failure, then one line per interval with the count since the last line', () => {
    const { log, lines, clock } = repeatedFailureLog();
    // 38 failures in the first second, as a leader writing every 25 ms to a Redis that is down.
    for (let i = 0; i < 38; i++) {
      clock.now = i * 25;
      log.failed(new Error('Connection is closed.'), { tickers: 3 });
    }
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'publish failed',
        err: 'Connection is closed.',
        tickers: 3,
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('failures');

    clock.now = 1_000;
    log.failed(new Error('READONLY'), { tickers: 2 });
    clock.now = 1_500;
    log.failed(new Error('READONLY'), { tickers: 2 });
    clock.now = 2_100;
    log.failed(new Error('READONLY'), { tickers: 1 });
    expect(lines.slice(1)).toEqual([
      expect.objectContaining({
        msg: 'publish failed',
        err: 'READONLY',
        tickers: 2,
        failures: 38,
        failingForMs: 1_000,
      }),
      expect.objectContaining({
        msg: 'publish failed',
        err: 'READONLY',
        tickers: 1,
        failures: 2,
        failingForMs: 2_100,
      }),
    ]);
    expect(log.failing).toBe(true);
  });

  it('logs the end of an outage once, with its total, and starts afresh at the next failure', () => {
    const { log, lines, clock } = repeatedFailureLog();
    log.failed(new Error('down'));
    clock.now = 300;
    log.failed(new Error('down'));
    clock.now = 700;
    log.succeeded();
    log.succeeded();
    expect(log.failing).toBe(false);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      level: 'info',
      msg: 'publishing recovered',
      failures: 2,
      failingForMs: 700,
    });

    clock.now = 800;
    log.failed(new Error('down again'));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 'error', msg: 'publish failed', err: 'down again' });
    expect(lines[2]).not.toHaveProperty('failures');
  });

  it('says nothing on success when nothing failed', () => {
    const { log, lines } = repeatedFailureLog();
    log.succeeded();
    expect(lines).toEqual([]);
  });

  it('logs the failures not yet counted when flushed, and nothing when all were', () => {
    const { log, lines, clock } = repeatedFailureLog();
    log.failed('refused');
    log.flush();
    expect(lines).toHaveLength(1);
    clock.now = 200;
    log.failed('refused');
    log.failed('refused');
    log.flush();
    log.flush();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ msg: 'publish failed', err: 'refused', failures: 2, failingForMs: 200 });
  });

  it('logs at warn unless told otherwise', () => {
    const { log, lines } = repeatedFailureLog({ level: undefined });
    log.failed(new Error('x'));
    expect(lines[0]).toMatchObject({ level: 'warn' });
  });
});
