/**
 * Leader election over Redis (DESIGN.md "Leader election"): acquire with an epoch, renew every
 * `renewMs`, step down by itself when no renew succeeded for `renewDeadlineMs` on the local
 * monotonic clock (before the lease can expire elsewhere), release with an event on stop.
 *
 * Lease time is counted from when a renew was *sent*: a reply that arrives late (say after
 * the process was frozen) proves nothing about the time in between.
 */
import { performance } from 'node:perf_hooks';
import type { Election, LeadershipListener, LeadershipState, LeaseInfo } from '../engine';
import type { ClusterLogger } from '../logger';
import { isNotLeaderError } from './errors';
import type { ClusterKeys } from './keys';
import type { RedisClient } from './redis-client';
import { parseLeaderValue, type ClusterScripts } from './scripts';

export interface ElectionTimings {
  /** TTL of the leader key (ms). */
  leaseMs: number;
  /** Interval between renews (ms); DESIGN: lease / 4. */
  renewMs: number;
  /** Without a successful renew for this long the leader steps down (ms, < leaseMs). */
  renewDeadlineMs: number;
  /** Interval between a candidate's attempts (ms); a release event triggers one at once. */
  retryMs: number;
}

export const DEFAULT_ELECTION_TIMINGS: ElectionTimings = {
  leaseMs: 5_000,
  renewMs: 1_250,
  renewDeadlineMs: 3_500,
  retryMs: 1_000,
};

/** Throws unless renew < deadline < lease, the ordering that keeps two leaders from overlapping. */
export function validateElectionTimings(timings: ElectionTimings): void {
  const { leaseMs, renewMs, renewDeadlineMs, retryMs } = timings;
  if (!(renewMs > 0 && renewMs < renewDeadlineMs && renewDeadlineMs < leaseMs && retryMs > 0)) {
    throw new RangeError(
      `election timings must satisfy 0 < renew (${renewMs}) < renewDeadline (${renewDeadlineMs}) < lease (${leaseMs}) and retry (${retryMs}) > 0`,
    );
  }
}

export interface RedisElectionOptions extends ElectionTimings {
  instanceId: string;
  scripts: ClusterScripts;
  /** A connection in subscriber mode, for the leader events channel. */
  subscriber: RedisClient;
  keys: ClusterKeys;
  logger: ClusterLogger;
  /** Monotonic milliseconds. */
  clock?: () => number;
}

export class RedisElection implements Election {
  private readonly clock: () => number;
  private readonly listeners = new Set<LeadershipListener>();
  private readonly current: LeadershipState;
  private reporter: () => string = () => '';
  /** `<instanceId>:<epoch>` while leading. */
  private value: string | undefined;
  /** The value of this pod's last leadership, to take it back after a blip if nobody else did. */
  private previousValue: string | undefined;
  /** When the last successful acquire/renew was sent (monotonic ms). */
  private provenAt = 0;
  private highestEpochSeen = 0;
  private reachable = false;
  private running = false;
  private busy = false;
  private attemptAgain = false;
  private cycleTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private readonly onMessage = (channel: string, message: string) => this.handleEvent(channel, message);

  constructor(private readonly options: RedisElectionOptions) {
    validateElectionTimings(options);
    this.clock = options.clock ?? (() => performance.now());
    this.current = {
      role: 'follower',
      instanceId: options.instanceId,
      leaderId: undefined,
      epoch: 0,
      leaderReport: undefined,
    };
  }

  /** Subscribes to leader events and makes a first attempt, so the role is known on return. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.options.subscriber.on('message', this.onMessage);
    try {
      await this.options.subscriber.subscribe(this.options.keys.leaderEvents);
    } catch (error) {
      this.options.logger.warn(
        { err: (error as Error).message },
        'leader events subscription failed; polling',
      );
    }
    await this.cycle();
  }

  /** Releases the lease (so a candidate takes over at once) and stops every timer. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.cycleTimer);
    clearTimeout(this.deadlineTimer);
    this.options.subscriber.off('message', this.onMessage);
    const value = this.value;
    if (value !== undefined) {
      this.setState({ role: 'follower', leaderId: undefined });
      this.value = undefined;
      await this.release(value);
    }
    await this.options.subscriber.unsubscribe(this.options.keys.leaderEvents).catch(() => undefined);
  }

  state(): LeadershipState {
    return { ...this.current };
  }

  lease(): LeaseInfo {
    const { leaseMs, renewMs, renewDeadlineMs, retryMs } = this.options;
    return {
      leaseMs,
      renewMs,
      renewDeadlineMs,
      retryMs,
      lastRenewAgeMs: this.value === undefined ? null : Math.round(this.clock() - this.provenAt),
      reachable: this.reachable,
    };
  }

  confirmLeadership(): boolean {
    if (this.value === undefined) return false;
    if (this.clock() - this.provenAt <= this.options.renewDeadlineMs) return true;
    this.stepDown(`no renew succeeded within ${this.options.renewDeadlineMs} ms`);
    return false;
  }

  /** The fencing value and epoch for leader writes, only while leadership is confirmed. */
  fence(): { value: string; epoch: number } | undefined {
    if (!this.confirmLeadership()) return undefined;
    return { value: this.value!, epoch: this.current.epoch };
  }

  stepDown(reason: string): void {
    if (this.value === undefined) return;
    this.options.logger.warn({ epoch: this.current.epoch, reason }, 'stepping down');
    this.previousValue = this.value;
    this.value = undefined;
    clearTimeout(this.deadlineTimer);
    this.setState({ role: 'follower', leaderId: undefined });
    if (this.running) this.schedule(this.options.retryMs);
  }

  setReporter(reporter: () => string): void {
    this.reporter = reporter;
  }

  onChange(listener: LeadershipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One renew (leader) or acquire attempt (candidate), then the next is scheduled. */
  private async cycle(): Promise<void> {
    if (this.busy) {
      this.attemptAgain = true;
      return;
    }
    this.busy = true;
    clearTimeout(this.cycleTimer);
    try {
      do {
        this.attemptAgain = false;
        if (this.value !== undefined) await this.renew();
        else await this.acquire();
      } while (this.attemptAgain && this.running && this.value === undefined);
    } finally {
      this.busy = false;
    }
    if (this.running) this.schedule(this.value === undefined ? this.options.retryMs : this.options.renewMs);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.cycleTimer);
    this.cycleTimer = setTimeout(() => void this.cycle(), delayMs);
  }

  private async acquire(): Promise<void> {
    const { scripts, instanceId, leaseMs } = this.options;
    const sentAt = this.clock();
    try {
      const result = await scripts.acquireLeader(instanceId, leaseMs, this.highestEpochSeen);
      this.markReachable(true);
      if (result.acquired) return await this.becomeLeader(result.value, sentAt);
      if (result.holder === this.previousValue) return await this.reclaim(result.holder, sentAt);
      this.current.leaderReport = result.report;
      this.observeLeader(result.holder);
    } catch (error) {
      this.markReachable(false, error);
    }
  }

  /** Our previous lease is still in Redis and nobody else took over: renew it and lead again. */
  private async reclaim(value: string, sentAt: number): Promise<void> {
    try {
      await this.options.scripts.renewLeader(value, this.options.leaseMs, this.reporter());
      await this.becomeLeader(value, sentAt);
    } catch (error) {
      if (!isNotLeaderError(error)) throw error;
      this.previousValue = undefined;
    }
  }

  private async becomeLeader(value: string, sentAt: number): Promise<void> {
    const parsed = parseLeaderValue(value)!;
    if (!this.running) return this.release(value);
    this.value = value;
    this.previousValue = undefined;
    this.provenAt = sentAt;
    this.highestEpochSeen = Math.max(this.highestEpochSeen, parsed.epoch);
    this.armDeadline();
    this.options.logger.info({ epoch: parsed.epoch }, 'acquired leadership');
    this.current.leaderReport = undefined;
    this.setState({ role: 'leader', leaderId: this.options.instanceId, epoch: parsed.epoch });
    // A reply that came in late may already be past the deadline.
    this.confirmLeadership();
  }

  private async renew(): Promise<void> {
    const value = this.value!;
    const sentAt = this.clock();
    try {
      await this.options.scripts.renewLeader(value, this.options.leaseMs, this.reporter());
      this.markReachable(true);
      if (this.value !== value) return;
      this.provenAt = Math.max(this.provenAt, sentAt);
      this.armDeadline();
    } catch (error) {
      if (isNotLeaderError(error)) {
        this.markReachable(true);
        if (this.value === value) this.stepDown('the lease is held by another pod or expired');
        this.previousValue = undefined;
      } else {
        this.markReachable(false, error);
        this.confirmLeadership();
      }
    }
  }

  private async release(value: string): Promise<void> {
    try {
      await this.options.scripts.releaseLeader(value);
      this.options.logger.info({ value }, 'released leadership');
    } catch (error) {
      // Not ours any more, or Redis is away: the lease then simply expires.
      this.options.logger.warn({ err: (error as Error).message }, 'release failed');
    }
  }

  /**
   * Steps down when the deadline passes with no renew; fires even while a renew hangs. A timer
   * can fire early by the event loop's cached-clock lag (a busy loop), so one that finds the
   * lease still proven arms itself again instead of trusting that it was on time.
   */
  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    if (this.value === undefined) return;
    const remaining = this.provenAt + this.options.renewDeadlineMs - this.clock();
    this.deadlineTimer = setTimeout(
      () => {
        if (this.confirmLeadership()) this.armDeadline();
      },
      Math.max(0, remaining) + 1,
    );
  }

  private observeLeader(holder: string): void {
    const parsed = parseLeaderValue(holder);
    if (!parsed) return;
    this.highestEpochSeen = Math.max(this.highestEpochSeen, parsed.epoch);
    this.setState({ role: 'follower', leaderId: parsed.instanceId, epoch: parsed.epoch });
  }

  private handleEvent(channel: string, message: string): void {
    if (channel !== this.options.keys.leaderEvents || !this.running) return;
    const [kind, value] = message.split(' ', 2) as [string, string | undefined];
    if (value === undefined || value === this.value) return;
    if (kind === 'elected') {
      const parsed = parseLeaderValue(value);
      if (!parsed) return;
      if (parsed.epoch < this.current.epoch) return; // a late message about an older election
      // Someone else won a newer epoch: whatever we believe, our lease is gone.
      if (this.value !== undefined)
        this.stepDown(`${parsed.instanceId} was elected with epoch ${parsed.epoch}`);
      this.current.leaderReport = undefined;
      this.observeLeader(value);
    } else if (kind === 'released' && this.value === undefined) {
      this.setState({ leaderId: undefined });
      void this.cycle();
    }
  }

  private markReachable(reachable: boolean, error?: unknown): void {
    if (reachable !== this.reachable) {
      if (reachable) this.options.logger.info({}, 'election store reachable');
      else
        this.options.logger.warn(
          { err: (error as Error | undefined)?.message },
          'election store unreachable',
        );
    }
    this.reachable = reachable;
  }

  /** Applies a change and tells listeners when the role, leader or epoch changed. */
  private setState(change: Partial<LeadershipState>): void {
    const before = this.current;
    const next = { ...before, ...change };
    const changed =
      next.role !== before.role || next.leaderId !== before.leaderId || next.epoch !== before.epoch;
    Object.assign(this.current, next);
    if (!changed) return;
    const state = this.state();
    for (const listener of this.listeners) listener(state);
  }
}
