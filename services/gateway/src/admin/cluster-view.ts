/**
 * The operators' view of the market-data cluster, read at the moment it is asked for: every
 * configured pod (routed or not, and why) with its own `/v1/status` and `/health`, the leader and
 * its epoch (and whether every pod agrees on them), each exchange's connection, breaker and REST
 * fallback as the leader reports them, the symbols served, and the scanner's heartbeat as the
 * pods judge it. A pod that does not answer in time is shown with the reason, never left out.
 */
import type { Dispatcher } from 'undici';
import type { UpstreamPool } from '../routing';

/** Longest wait for one pod's answer (ms): a slow pod must not hold the view. */
const POD_ANSWER_TIMEOUT_MS = 2_000;

export interface PodView {
  url: string;
  /** The gateway routes requests to it (its last `/readyz` was 200). */
  routed: boolean;
  reason?: string;
  instanceId?: string;
  role?: string;
  state?: string;
  epoch?: number | null;
  leaderId?: string | null;
  sseClients?: number;
  lastBatchAgeMs?: number | null;
  /** `/health`'s overall status (pass, warn, fail). */
  health?: string;
  /** Why its status could not be read. */
  error?: string;
}

export interface UpstreamView {
  exchange: string;
  connection: string;
  breaker: string;
  restFallback: string | null;
  symbolsSubscribed: number | null;
}

export interface ClusterReport {
  at: string;
  pods: PodView[];
  leader: { instanceId: string; epoch: number | null } | null;
  /** Every pod that answered names the same leader and epoch. */
  agreed: boolean;
  upstreams: UpstreamView[];
  symbols: string[];
  /** The `scanner:heartbeat` check of a pod's `/health`; null when no pod checks a scanner. */
  scanner: Record<string, unknown> | null;
}

type Json = Record<string, unknown>;

export class ClusterView {
  constructor(
    private readonly options: {
      pool: Pick<UpstreamPool, 'states'>;
      dispatcher: Dispatcher;
      timeoutMs?: number;
    },
  ) {}

  async read(): Promise<ClusterReport> {
    const answers = await Promise.all(
      this.options.pool.states().map(async (pod) => {
        const [status, health] = await Promise.all([
          this.get(pod.url, '/v1/status'),
          this.get(pod.url, '/health'),
        ]);
        return { pod, status, health };
      }),
    );
    const pods = answers.map(({ pod, status, health }): PodView => {
      const view: PodView = {
        url: pod.url,
        routed: pod.healthy,
        ...(pod.reason ? { reason: pod.reason } : {}),
      };
      if (!status.ok) return { ...view, error: status.error };
      const body = status.body;
      return {
        ...view,
        instanceId: text(body.instanceId),
        role: text(body.role),
        state: text(body.state),
        epoch: typeof body.epoch === 'number' ? body.epoch : null,
        leaderId: typeof body.leaderId === 'string' ? body.leaderId : null,
        ...(typeof body.sseClients === 'number' ? { sseClients: body.sseClients } : {}),
        lastBatchAgeMs: typeof body.lastBatchAgeMs === 'number' ? body.lastBatchAgeMs : null,
        ...(health.ok ? { health: text(health.body.status) } : {}),
      };
    });
    const statuses = answers.flatMap(({ status }) => (status.ok ? [status.body] : []));
    const claims = new Set(statuses.map((body) => `${String(body.leaderId)}@${String(body.epoch)}`));
    // The leader's own answer is the best account of the upstreams; any follower's report of it next.
    const source = statuses.find((body) => body.role === 'leader') ?? statuses[0];
    const leaderId = source && typeof source.leaderId === 'string' ? source.leaderId : undefined;
    return {
      at: new Date().toISOString(),
      pods,
      leader:
        leaderId === undefined
          ? null
          : { instanceId: leaderId, epoch: typeof source!.epoch === 'number' ? source!.epoch : null },
      agreed: statuses.length > 0 && claims.size === 1,
      upstreams: source ? upstreamsOf(source) : [],
      symbols: [...new Set(statuses.flatMap((body) => stringsOf(body.symbols)))].sort(),
      scanner: scannerCheck(answers.flatMap(({ health }) => (health.ok ? [health.body] : []))),
    };
  }

  private async get(
    origin: string,
    path: string,
  ): Promise<{ ok: true; body: Json } | { ok: false; error: string }> {
    const timeoutMs = this.options.timeoutMs ?? POD_ANSWER_TIMEOUT_MS;
    try {
      const answer = await this.options.dispatcher.request({
        origin,
        path,
        method: 'GET',
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      // /health answers 503 with its body when it fails: the body is the point.
      const body = await answer.body.json();
      if (typeof body !== 'object' || body === null)
        return { ok: false, error: `${path}: not a JSON object` };
      return { ok: true, body: body as Json };
    } catch (error) {
      return { ok: false, error: `${path}: ${(error as Error).message}` };
    }
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function upstreamsOf(status: Json): UpstreamView[] {
  const list = Array.isArray(status.upstreams) ? (status.upstreams as Json[]) : [];
  return list.map((upstream) => {
    const fallback = upstream.restFallback as Json | undefined;
    const symbols = upstream.symbols as Json | undefined;
    return {
      exchange: text(upstream.exchange) ?? 'unknown',
      connection: text(upstream.connection) ?? 'unknown',
      breaker: text(upstream.breaker) ?? 'unknown',
      restFallback: text(fallback?.state) ?? null,
      symbolsSubscribed: typeof symbols?.subscribed === 'number' ? symbols.subscribed : null,
    };
  });
}

function scannerCheck(healths: readonly Json[]): Record<string, unknown> | null {
  for (const health of healths) {
    const checks = health.checks as Record<string, unknown[]> | undefined;
    const check = checks?.['scanner:heartbeat']?.[0];
    if (check && typeof check === 'object') return check as Record<string, unknown>;
  }
  return null;
}
