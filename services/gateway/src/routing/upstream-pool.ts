/**
 * The replicas of one service the gateway routes to (the market-data pods, the scanner), with
 * their health: each one's `/readyz` is polled every `intervalMs`, and only those whose last answer
 * was 200 are chosen, in turn (round robin). A replica that answers `/readyz` with anything but
 * 200, or refuses a connection (a probe's or a request's), is dropped at once until its next good
 * probe. Other failures (a probe timing out on a busy machine, a request's socket reset) are
 * strikes: STRIKES_BEFORE_DOWN in a row drop it, and any good answer clears them, so one late
 * answer or one reset socket does not take the only replica out of rotation.
 */
import type { Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import type { Dispatcher } from 'undici';

/** Longest wait for one `/readyz` answer (ms). */
const MAX_PROBE_TIMEOUT_MS = 2_000;

export interface UpstreamPoolOptions {
  /** Base URLs (`http://pod-1:8080`). */
  urls: readonly string[];
  /** What a replica is called in logs (`pod`, `scanner`). */
  kind: string;
  intervalMs: number;
  dispatcher: Dispatcher;
  logger: Logger;
}

/** Probes or requests in a row that fail without a refusal (time out, reset) before a replica is dropped. */
export const STRIKES_BEFORE_DOWN = 2;
/** Errors that say the replica is not there: no second chance. */
const REFUSED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENOTFOUND']);

export interface UpstreamState {
  url: string;
  healthy: boolean;
  /** A probe has answered (or failed) at least once. */
  probed: boolean;
  /** Why it is not healthy. */
  reason?: string;
}

export class UpstreamPool implements Lifecycle {
  private readonly pods: UpstreamState[];
  /** Probes or requests in a row that failed without a refusal, per URL. */
  private readonly strikes = new Map<string, number>();
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly probeTimeoutMs: number;

  constructor(private readonly options: UpstreamPoolOptions) {
    this.pods = options.urls.map((url) => ({ url, healthy: false, probed: false, reason: 'not probed yet' }));
    this.probeTimeoutMs = Math.min(MAX_PROBE_TIMEOUT_MS, options.intervalMs);
  }

  /** Resolves after the first round of probes, healthy pods or not: the gateway serves what it can. */
  async start(): Promise<void> {
    await this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    return Promise.resolve();
  }

  /** The next healthy pod not in `exclude`, in turn; undefined when there is none. */
  pick(exclude: ReadonlySet<string> = new Set()): string | undefined {
    for (let i = 0; i < this.pods.length; i += 1) {
      const pod = this.pods[(this.next + i) % this.pods.length]!;
      if (pod.healthy && !exclude.has(pod.url)) {
        this.next = (this.next + i + 1) % this.pods.length;
        return pod.url;
      }
    }
    return undefined;
  }

  /** A request to the replica failed before it was answered (see the class comment for the rule). */
  requestFailed(url: string, error: Error & { code?: string }): void {
    const pod = this.pods.find((candidate) => candidate.url === url);
    if (pod) this.failed(pod, error);
  }

  /** A request to the replica was answered: its strikes are cleared. */
  requestAnswered(url: string): void {
    this.strikes.delete(url);
  }

  states(): readonly UpstreamState[] {
    return this.pods.map((pod) => ({ ...pod }));
  }

  counts(): { configured: number; healthy: number } {
    return { configured: this.pods.length, healthy: this.pods.filter((pod) => pod.healthy).length };
  }

  private async probeAll(): Promise<void> {
    await Promise.all(this.pods.map((pod) => this.probe(pod)));
  }

  private async probe(pod: UpstreamState): Promise<void> {
    try {
      const response = await this.options.dispatcher.request({
        origin: pod.url,
        path: '/readyz',
        method: 'GET',
        headersTimeout: this.probeTimeoutMs,
        bodyTimeout: this.probeTimeoutMs,
      });
      await response.body.dump();
      this.strikes.delete(pod.url);
      this.update(pod, response.statusCode === 200, `/readyz answered ${response.statusCode}`);
    } catch (error) {
      this.failed(pod, error as Error & { code?: string });
    }
  }

  private failed(pod: UpstreamState, error: Error & { code?: string }): void {
    const strikes = (this.strikes.get(pod.url) ?? 0) + 1;
    this.strikes.set(pod.url, strikes);
    const refused = REFUSED_CODES.has(error.code ?? '');
    if (refused || strikes >= STRIKES_BEFORE_DOWN || !pod.probed)
      this.update(pod, false, error.code ? `${error.code}: ${error.message}` : error.message);
  }

  private update(pod: UpstreamState, healthy: boolean, reason: string): void {
    if (pod.healthy !== healthy || !pod.probed)
      this.options.logger[healthy ? 'info' : 'warn'](
        { [this.options.kind]: pod.url, ...(healthy ? {} : { reason }) },
        healthy
          ? `${this.options.kind} is ready; routing to it`
          : `${this.options.kind} is not ready; routing around it`,
      );
    pod.healthy = healthy;
    pod.probed = true;
    if (healthy) delete pod.reason;
    else pod.reason = reason;
  }
}
