/** The signals section: the key owner's recent signals, or why there are none to show. */
import { memo, type ReactNode } from 'react';
import type { ScannerSignal, TickwireClient } from '@tickwire/client';
import { ApiKeyForm } from './ApiKeyForm';
import { formatFacts, formatPrice, formatTime } from './format';
import { SIGNALS_POLL_MS, statusOf, useSignals } from './signals-feed';

const HTTP_SERVICE_UNAVAILABLE = 503;
const HTTP_SERVER_ERRORS = 500;

export function SignalsView({
  client,
  clientKey,
  keyAskedAbove,
  onKey,
}: {
  client: TickwireClient;
  /** The key the client carries ('' for none). */
  clientKey: string;
  /** The page already asks for a key (for `/v1/status`): no second form here. */
  keyAskedAbove: boolean;
  onKey: (key: string) => void;
}) {
  const feed = useSignals(client, clientKey);
  // A pod has no signal route: the section stays and says where signals are, rather than leave
  // the user wondering whether this page lacks them.
  if (feed.state === 'absent')
    return (
      <Note state="absent">
        Signals come through the gateway when the scanner runs; this server has none.
      </Note>
    );
  if (feed.state === 'key') {
    const why = feed.forbidden ? 'This key cannot read signals: a' : 'A';
    return keyAskedAbove ? (
      <Note state="key">{why} bot key shows your signals: enter one above.</Note>
    ) : (
      <div className="signals-note" data-state="key">
        <ApiKeyForm label={`${why} bot key shows your signals`} onKey={onKey} />
      </div>
    );
  }
  const { signals, error } = feed;
  return (
    <>
      {error && <Note state="error">{unreachable(error, signals !== undefined)}</Note>}
      {signals === undefined ? (
        error === undefined && <Note state="loading">Loading signals…</Note>
      ) : signals.length === 0 ? (
        <Note state="empty">No signals yet: they appear here when one of your strategies is met.</Note>
      ) : (
        <SignalTable signals={signals} />
      )}
    </>
  );
}

/** Why no fresh signals came. */
function unreachable(error: Error, lastShown: boolean): string {
  const status = statusOf(error);
  // The gateway answers 503 both without SCANNER_URLS and with no replica ready.
  const reason =
    status === HTTP_SERVICE_UNAVAILABLE
      ? 'No scanner is ready behind this server (none configured, or none answering)'
      : status !== undefined && status >= HTTP_SERVER_ERRORS
        ? `The scanner did not answer (HTTP ${status})`
        : `No answer: ${error.message}`;
  const every = `asking again every ${SIGNALS_POLL_MS / 1_000} s.`;
  return `${reason}; ${every}${lastShown ? ' The last signals received:' : ''}`;
}

function Note({ state, children }: { state: string; children: ReactNode }) {
  return (
    <p className="signals-note" data-state={state}>
      {children}
    </p>
  );
}

/** Re-rendered only when the list changes (a 304 gives the very same list). */
const SignalTable = memo(function SignalTable({ signals }: { signals: readonly ScannerSignal[] }) {
  return (
    <table className="signals">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Symbol</th>
          <th scope="col">Strategy</th>
          <th scope="col">Interval</th>
          <th scope="col" className="num">
            Close
          </th>
          <th scope="col">Met</th>
        </tr>
      </thead>
      <tbody>
        {signals.map((signal) => (
          <tr key={signal.storedId} data-signal={signal.id}>
            <td className="time" title={new Date(signal.detectedAt).toISOString()}>
              {formatTime(signal.detectedAt)}
            </td>
            <th scope="row" className="symbol">
              {signal.symbol}
            </th>
            <td className="strategy">{signal.strategyName}</td>
            <td className="interval">
              {signal.interval}
              {!signal.candleClosed && <span className="open-candle"> open</span>}
            </td>
            <td className="num close">{formatPrice(signal.close)}</td>
            <td className="facts-met">{formatFacts(signal.facts)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});
