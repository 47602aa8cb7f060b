import { Writable } from 'node:stream';
import { repeatedJsonKeys } from '@tickwire/testkit';
import { createLogger, type Logger } from './logger';

/** A logger whose lines are kept as raw text, so a test can see what a JSON reader would hide. */
function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(line);
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', service: 'test', destination }), lines };
}

describe('the logger factory', () => {
  it('writes each key once when a child names a part of its parent component', () => {
    const { logger, lines } = capturedLogger();
    const upstream = logger.child({ component: 'upstream', exchange: 'binance' });
    upstream.child({ component: 'rest-fallback' }).warn({ attempt: 2 }, 'REST poll failed');
    upstream.info('connected');

    expect(lines).toHaveLength(2);
    for (const line of lines) expect(repeatedJsonKeys(line)).toEqual([]);
    const [fallback, parent] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(fallback).toMatchObject({
      service: 'test',
      component: 'rest-fallback',
      exchange: 'binance',
      attempt: 2,
      level: 'warn',
      msg: 'REST poll failed',
    });
    expect(parent).toMatchObject({ component: 'upstream', exchange: 'binance', msg: 'connected' });
  });

  it('keeps a child of a child at its own level and bindings', () => {
    const { logger, lines } = capturedLogger();
    const quiet = logger.child({ component: 'hub' }, { level: 'warn' });
    const part = quiet.child({ component: 'flush-loop', shard: 3 });
    part.info('not written');
    part.warn('written');
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ component: 'flush-loop', shard: 3, msg: 'written' }),
    ]);
    expect(repeatedJsonKeys(lines[0]!)).toEqual([]);
  });

  it('redacts credentials in logged objects and in bindings', () => {
    const { logger, lines } = capturedLogger();
    logger.child({ component: 'cluster', redisUrl: 'redis://:hunter2@127.0.0.1:6379' }).error(
      {
        password: 'hunter2',
        options: { apiKey: 'k-123', token: 't-456' },
        req: { headers: { authorization: 'Bearer x' } },
      },
      'could not connect',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/hunter2|k-123|t-456|Bearer/);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      redisUrl: '[redacted]',
      password: '[redacted]',
      options: { apiKey: '[redacted]', token: '[redacted]' },
      req: { headers: { authorization: '[redacted]' } },
    });
  });

  it('writes the level as a label, an ISO time, the service and the base fields', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString().trim());
        callback();
      },
    });
    createLogger({ level: 'info', service: 'svc', base: { instance: 'pod-1' }, destination }).info('hello');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'info',
      service: 'svc',
      instance: 'pod-1',
      pid: process.pid,
      msg: 'hello',
    });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });
});
