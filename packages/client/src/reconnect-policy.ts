/**
 * When a stream that failed is tried again. Unlike the standard EventSource, which gives up on
 * any response but a 200, every failure that time can fix is retried: network errors, timeouts,
 * 408, 425, 429 and 5xx, after a backoff with full jitter (so a fleet of clients that lost the
 * same pod does not return in lockstep) and never sooner than the server's `Retry-After`.
 * Other 4xx (an unknown symbol, a refused key) stop the stream until its symbols change.
 */
import { fullJitterDelay } from '@tickwire/core';
import type { TickwireClientError } from './client-errors';

export interface ReconnectOptions {
  /** The first retry comes within this (ms); each failure in a row doubles it. */
  baseDelayMs: number;
  /** The longest wait between two attempts (ms). */
  maxDelayMs: number;
}

export const DEFAULT_RECONNECT: ReconnectOptions = { baseDelayMs: 1_000, maxDelayMs: 30_000 };

/** 4xx statuses that a later attempt may pass: timeout, too early, too many requests. */
const RETRYABLE_CLIENT_STATUSES = new Set([408, 425, 429]);
const FIRST_CLIENT_ERROR = 400;
const FIRST_SERVER_ERROR = 500;

/** Whether waiting can fix what `error` reports. */
export function isRetryable(error: TickwireClientError): boolean {
  // No HTTP error: no answer, a timeout, a stream that ended or an answer that was not one.
  if (error.status === undefined || error.status < FIRST_CLIENT_ERROR) return true;
  return error.status >= FIRST_SERVER_ERROR || RETRYABLE_CLIENT_STATUSES.has(error.status);
}

/** How long to wait after the `failures`-th failure in a row (1 for the first) ended with `error`. */
export function retryDelayMs(
  failures: number,
  error: TickwireClientError | undefined,
  options: ReconnectOptions,
  random: () => number = Math.random,
): number {
  const backoff = fullJitterDelay(Math.max(0, failures - 1), {
    baseMs: options.baseDelayMs,
    maxMs: options.maxDelayMs,
    random,
  });
  return Math.max(error?.retryAfterMs ?? 0, backoff);
}
