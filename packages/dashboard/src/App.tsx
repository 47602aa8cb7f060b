import { useEffect, useMemo, useState } from 'react';
import {
  TickwireClient,
  type AuthOptions,
  type MarketEntry,
  type MarketList,
  type PodStatus,
} from '@tickwire/client';
import { ApiKeyForm } from './ApiKeyForm';
import { ClusterView, type HealthReport, type SeenPod } from './ClusterView';
import { FeedBanner } from './FeedBanner';
import { usePriceFeed } from './price-feed';
import { SignalsView } from './SignalsView';
import { TopList } from './TopList';
import { usePolling } from './use-polling';

/** The page talks to the server that served it: a pod, or the gateway. */
const BASE_URL = window.location.origin;
const STATUS_POLL_MS = 2_000;
const HEALTH_POLL_MS = 10_000;
/** Names change rarely (a catalog refresh); prices come from the stream (ms). */
const MARKETS_POLL_MS = 30_000;
/** A pod not seen answering for this long leaves the list (ms). */
const POD_FORGOTTEN_AFTER_MS = 60_000;
/** Where an API key typed into the page is kept, for this tab only. */
const API_KEY_STORAGE = 'tickwire.apiKey';

export function App() {
  const [apiKey, setApiKey] = useState(() => sessionStorage.getItem(API_KEY_STORAGE) ?? undefined);
  const auth: AuthOptions | undefined = apiKey === undefined ? undefined : { apiKey };
  const client = useMemo(() => new TickwireClient({ baseUrl: BASE_URL, auth }), [apiKey]);
  const status = usePolling<PodStatus>(() => client.status(), STATUS_POLL_MS, `status:${apiKey ?? ''}`);
  const health = usePolling<HealthReport>(readHealth, HEALTH_POLL_MS, 'health');
  const marketList = usePolling<MarketList>(
    () => client.markets(),
    MARKETS_POLL_MS,
    `markets:${apiKey ?? ''}`,
  );
  const markets = useMemo(
    () => new Map<string, MarketEntry>(marketList.data?.markets.map((market) => [market.symbol, market])),
    [marketList.data],
  );
  const now = useNow();
  const pods = useSeenPods(status.data, status.at, now);

  const symbols = status.data?.symbols ?? [];
  const feed = usePriceFeed(symbols, client, { baseUrl: BASE_URL, auth }, status.data?.stream.state);
  const needsKey = (status.error as { status?: number } | undefined)?.status === 401;
  const rememberKey = (key: string) => (sessionStorage.setItem(API_KEY_STORAGE, key), setApiKey(key));

  return (
    <main>
      <header>
        <h1>Tickwire</h1>
        <FeedBanner
          status={feed.status}
          detail={feed.via === 'polling' ? 'polling: this server has no stream route' : feed.error?.message}
        />
      </header>
      {needsKey && <ApiKeyForm label="This server asks for an API key" onKey={rememberKey} />}
      <section aria-label="Prices">
        <h2>Top list</h2>
        {symbols.length === 0 ? (
          <p>{status.error ? `No answer: ${status.error.message}` : 'Loading symbols…'}</p>
        ) : (
          <TopList symbols={symbols} prices={feed.prices} markets={markets} client={client} />
        )}
      </section>
      <section aria-label="Signals">
        <h2>Signals</h2>
        <SignalsView client={client} clientKey={apiKey ?? ''} keyAskedAbove={needsKey} onKey={rememberKey} />
      </section>
      <section aria-label="Cluster">
        <h2>Cluster</h2>
        <ClusterView pods={pods} health={health.data} now={now} />
      </section>
    </main>
  );
}

/** `/health`: answered with its report even when it fails (503). */
async function readHealth(): Promise<HealthReport> {
  const response = await fetch(`${BASE_URL}/health`, { headers: { Accept: 'application/health+json' } });
  return (await response.json()) as HealthReport;
}

/** The time, once a second, for the ages the page shows. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Every pod that answered `/v1/status` in the last minute, the latest first. */
function useSeenPods(latest: PodStatus | undefined, at: number | undefined, now: number): SeenPod[] {
  const [seen, setSeen] = useState<ReadonlyMap<string, SeenPod>>(new Map());
  useEffect(() => {
    if (latest === undefined || at === undefined) return;
    setSeen((previous) => new Map(previous).set(latest.instanceId, { status: latest, seenAt: at }));
  }, [latest, at]);
  return [...seen.values()]
    .filter((pod) => now - pod.seenAt < POD_FORGOTTEN_AFTER_MS)
    .sort((a, b) => b.seenAt - a.seenAt);
}
