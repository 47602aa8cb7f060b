import type { StreamStatus } from '@tickwire/client';
import { tradingAllowed } from './price-feed';

const MESSAGES: Record<StreamStatus, string | undefined> = {
  live: undefined,
  degraded: 'The exchange connection is unsteady; prices are still fresh.',
  connecting: 'Connecting to the price feed…',
  stale: 'Prices are stale: the pods have nothing fresh from the exchange.',
  disconnected: 'Disconnected from the price feed; reconnecting.',
};

/** The feed's state, and whether trading is allowed on these prices. */
export function FeedBanner({ status, detail }: { status: StreamStatus; detail: string | undefined }) {
  const allowed = tradingAllowed(status);
  const message = MESSAGES[status];
  return (
    <div className="feed">
      <span
        id="trading"
        className={`trading ${allowed ? 'enabled' : 'disabled'}`}
        data-state={allowed ? 'enabled' : 'disabled'}
      >
        {allowed ? 'Trading enabled' : 'Trading disabled'}
      </span>
      <span id="feed-status" className={`status ${status}`}>
        {status}
      </span>
      {message !== undefined && (
        <div id="feed-banner" role="alert" className={`banner ${status}`}>
          {message}
          {detail !== undefined && <small> ({detail})</small>}
        </div>
      )}
    </div>
  );
}
