/**
 * The key owner's most recent signals (the scanner's, through the gateway with a `bot` key),
 * newest first, read again every few seconds while the page is open, and what the server's
 * answer means for the page.
 *
 * Polled rather than streamed: a signal comes at most once per candle (a minute at the finest),
 * so a 5 s poll shows it soon enough, and while nothing changes each poll is a 304 (the SDK sends
 * the last ETag) that costs the scanner no body. The signal stream would hold a connection per
 * open tab through the gateway to a scanner replica, and the SDK has no signal stream reader for
 * the page to reuse.
 */
import type { ScannerSignal, SignalPage, TickwireClient } from '@tickwire/client';
import { usePolling } from './use-polling';

export const SIGNALS_POLL_MS = 5_000;
/** How many signals are listed: the most recent ones. */
export const SIGNALS_SHOWN = 20;

const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;
const HTTP_NOT_FOUND = 404;

export type SignalsFeed =
  /** No signal route here (a pod). */
  | { state: 'absent' }
  /** No key (401), or one below `bot` (403). */
  | { state: 'key'; forbidden: boolean }
  /**
   * The signals (undefined until the first answer); `error` while the last poll failed (the
   * scanner unreachable, the network), the last signals received kept.
   */
  | { state: 'signals'; signals: readonly ScannerSignal[] | undefined; error: Error | undefined };

/** The HTTP status of a failed call, when the server answered. */
export const statusOf = (error: Error | undefined) => (error as { status?: number } | undefined)?.status;

/** An answer that asking again with the same key cannot change: polling stops until the key changes. */
const refusedForGood = (error: Error) =>
  [HTTP_UNAUTHORIZED, HTTP_FORBIDDEN, HTTP_NOT_FOUND].includes(statusOf(error) ?? 0);

/** `clientKey`: the key `client` carries ('' for none); a new one starts over. */
export function useSignals(client: TickwireClient, clientKey: string): SignalsFeed {
  const polled = usePolling<SignalPage>(
    () => client.signals({ limit: SIGNALS_SHOWN }),
    SIGNALS_POLL_MS,
    `signals:${clientKey}`,
    refusedForGood,
  );
  const status = statusOf(polled.error);
  if (status === HTTP_NOT_FOUND) return { state: 'absent' };
  if (status === HTTP_UNAUTHORIZED || status === HTTP_FORBIDDEN)
    return { state: 'key', forbidden: status === HTTP_FORBIDDEN };
  return { state: 'signals', signals: polled.data?.signals, error: polled.error };
}
