import { TickwireClientError } from './client-errors';
import { isRetryable, retryDelayMs } from './reconnect-policy';

const failure = (status?: number, retryAfterMs?: number) =>
  new TickwireClientError('X', 'x', { status, retryAfterMs });
const OPTIONS = { baseDelayMs: 1_000, maxDelayMs: 30_000 };

describe('the reconnect policy', () => {
  it('retries what waiting can fix and stops on what it cannot', () => {
    expect(isRetryable(failure())).toBe(true); // no answer: network, timeouts
    expect(isRetryable(failure(200))).toBe(true); // a stream that ended, or a 200 that was not one
    for (const status of [408, 425, 429, 500, 502, 503, 504]) expect(isRetryable(failure(status))).toBe(true);
    for (const status of [400, 401, 403, 404, 405]) expect(isRetryable(failure(status))).toBe(false);
  });

  it('waits a full-jitter backoff that doubles per failure up to the cap', () => {
    expect(retryDelayMs(1, failure(), OPTIONS, () => 0.999)).toBe(999);
    expect(retryDelayMs(3, failure(), OPTIONS, () => 0.999)).toBe(3_996);
    expect(retryDelayMs(20, failure(), OPTIONS, () => 0.999)).toBe(29_970);
    expect(retryDelayMs(3, failure(), OPTIONS, () => 0)).toBe(0);
  });

  it('never retries sooner than Retry-After', () => {
    expect(retryDelayMs(1, failure(503, 4_000), OPTIONS, () => 0.5)).toBe(4_000);
    expect(retryDelayMs(6, failure(503, 1_000), OPTIONS, () => 0.5)).toBe(15_000);
  });
});
