import type { PodStatus } from '@tickwire/client';
import { formatAge } from './format';

/** One check of a `/health` report (application/health+json). */
interface HealthCheck {
  status: 'pass' | 'warn' | 'fail';
  observedValue?: string | number;
  output?: string;
}

export interface HealthReport {
  status: 'pass' | 'warn' | 'fail';
  checks?: Record<string, HealthCheck[]>;
}

/** A pod that answered `/v1/status`, and when (several pods answer behind a load balancer). */
export interface SeenPod {
  status: PodStatus;
  seenAt: number;
}

/** The cluster as the pods describe it: each pod seen, the leader and epoch, the exchange connection, the scanner. */
export function ClusterView({
  pods,
  health,
  now,
}: {
  pods: readonly SeenPod[];
  health: HealthReport | undefined;
  now: number;
}) {
  const latest = pods[0]?.status;
  if (latest === undefined) return <section className="cluster">No pod has answered yet.</section>;
  const scanner = health?.checks?.['scanner:heartbeat']?.[0];
  const upstreams = latest.upstreams.length > 0 ? latest.upstreams : latest.upstream ? [latest.upstream] : [];
  return (
    <section className="cluster" aria-label="Cluster">
      <dl className="facts">
        <div>
          <dt>Leader</dt>
          <dd id="leader">{latest.leaderId ?? 'none'}</dd>
        </div>
        <div>
          <dt>Epoch</dt>
          <dd id="epoch">{latest.epoch}</dd>
        </div>
        <div>
          <dt>Engine</dt>
          <dd>{latest.engine}</dd>
        </div>
        <div>
          <dt>Serving</dt>
          <dd className={`state ${latest.state}`}>{latest.state}</dd>
        </div>
        <div>
          <dt>Scanner</dt>
          <dd id="scanner">
            {scanner === undefined
              ? 'not configured'
              : `${scanner.status} (${scanner.observedValue ?? scanner.output ?? ''})`}
          </dd>
        </div>
      </dl>
      <h3>Exchange connections</h3>
      <table className="upstreams">
        <thead>
          <tr>
            <th scope="col">Exchange</th>
            <th scope="col">Connection</th>
            <th scope="col">Breaker</th>
            <th scope="col">REST fallback</th>
            <th scope="col" className="num">
              Symbols
            </th>
          </tr>
        </thead>
        <tbody>
          {upstreams.map((upstream) => (
            <tr key={upstream.exchange}>
              <th scope="row">{upstream.exchange}</th>
              <td className={`state ${upstream.connection}`}>{upstream.connection}</td>
              <td className={`state breaker-${upstream.breaker}`}>{upstream.breaker}</td>
              <td>{upstream.restFallback?.state ?? '–'}</td>
              <td className="num">{upstream.symbols?.subscribed ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Pods</h3>
      <table className="pods">
        <thead>
          <tr>
            <th scope="col">Pod</th>
            <th scope="col">Role</th>
            <th scope="col" className="num">
              Streams
            </th>
            <th scope="col" className="num">
              Last batch
            </th>
            <th scope="col" className="num">
              Seen
            </th>
          </tr>
        </thead>
        <tbody>
          {pods.map(({ status, seenAt }) => (
            <tr key={status.instanceId} data-pod={status.instanceId}>
              <th scope="row">{status.instanceId}</th>
              <td>{status.role}</td>
              <td className="num">{status.sseClients}</td>
              <td className="num">{formatAge(status.lastBatchAgeMs)}</td>
              <td className="num">{formatAge(Math.max(0, now - seenAt))} ago</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
