/**
 * What only the active scanner does, started when this replica becomes active and stopped when
 * it stops being so (before the lease is released on shutdown, so two active scanners never
 * overlap). Changes are applied one at a time, in order. Standby replicas still serve the API.
 */
import type { LeadershipState } from '@tickwire/cluster';
import type { Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import type { ScannerMetrics } from '../metrics';

export interface ScannerRoleOptions {
  /** Builds the active replica's work (the scan loop, and later delivery) each time it becomes active. */
  onActive(): Lifecycle;
  logger: Logger;
  metrics: ScannerMetrics;
}

export class ScannerRole {
  private readonly log: Logger;
  private work: Lifecycle | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastRole: LeadershipState['role'] = 'follower';
  private closed = false;

  constructor(private readonly options: ScannerRoleOptions) {
    this.log = options.logger.child({ component: 'scanner-role' });
  }

  onLeadership(state: LeadershipState): void {
    const { metrics } = this.options;
    metrics.active.set(state.role === 'leader' ? 1 : 0);
    metrics.epoch.set(state.epoch);
    if (state.role !== this.lastRole) metrics.roleChanges.inc({ role: roleName(state.role) });
    this.lastRole = state.role;
    this.log.info(
      { role: roleName(state.role), leaderId: state.leaderId, epoch: state.epoch },
      'role changed',
    );
    this.chain = this.chain.then(async () => {
      if (state.role === 'leader' && !this.closed) await this.startWork();
      else await this.stopWork();
    });
  }

  isActive(): boolean {
    return this.work !== undefined;
  }

  /** Stops the work for good (before the lease is released); later changes start nothing. */
  async stop(): Promise<void> {
    this.closed = true;
    await this.chain;
    await this.stopWork();
  }

  private async startWork(): Promise<void> {
    if (this.work) return;
    const work = this.options.onActive();
    this.work = work;
    await work.start();
    this.log.info('active: scanning');
  }

  private async stopWork(): Promise<void> {
    const work = this.work;
    if (!work) return;
    this.work = undefined;
    await work.stop();
    this.log.info('standby: scanning stopped');
  }
}

/** The scanner's words for the election's roles. */
export function roleName(role: LeadershipState['role']): 'active' | 'standby' {
  return role === 'leader' ? 'active' : 'standby';
}
