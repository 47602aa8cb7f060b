/** The memory engine's election: a single pod, always the leader of epoch 1. */
import type { Election, LeadershipListener, LeadershipState, LeaseInfo } from '../engine';

export class MemoryElection implements Election {
  private readonly current: LeadershipState;
  private readonly listeners = new Set<LeadershipListener>();
  private started = false;

  constructor(instanceId: string) {
    this.current = { role: 'follower', instanceId, leaderId: undefined, epoch: 0, leaderReport: undefined };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    Object.assign(this.current, { role: 'leader', leaderId: this.current.instanceId, epoch: 1 });
    this.emit();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    Object.assign(this.current, { role: 'follower', leaderId: undefined });
    this.emit();
  }

  state(): LeadershipState {
    return { ...this.current };
  }

  /** There is no lease: one process cannot be fenced off from itself. */
  lease(): LeaseInfo {
    return { leaseMs: 0, renewMs: 0, renewDeadlineMs: 0, retryMs: 0, lastRenewAgeMs: null, reachable: true };
  }

  confirmLeadership(): boolean {
    return this.current.role === 'leader';
  }

  /** Nothing can refuse the memory engine's writes, so there is never a reason to step down. */
  stepDown(): void {}

  setReporter(): void {}

  onChange(listener: LeadershipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const state = this.state();
    for (const listener of this.listeners) listener(state);
  }
}
