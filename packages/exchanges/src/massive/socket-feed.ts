/**
 * Which Massive socket the adapter connects to, and what it learns of the key's plan from the
 * answers (exchanges.md Part B 5.2): the real-time host needs Advanced or above, the delayed
 * host (15 minutes late, no quotes) Starter or above, and the free plan has neither.
 *
 * With the setting `auto` the adapter starts on the real-time host and steps down to the delayed
 * host at the real-time host's first `auth_failed`. Any `auth_failed` there counts, not only one
 * that names the plan: what Massive answers a delayed plan on the real-time host is not documented
 * (the simulator says "Your plan doesn't include real-time data." [INFER]). A wrong key is then
 * refused by the delayed host too, and the status says so. Streams are kept per symbol with every
 * channel of the real-time host; on the delayed host the frames leave out the quotes it lacks.
 */
import { MassiveFeedErrorCode } from './parse-message';
import type { MassiveFeed, MassiveFeedSetting } from './limits';

/** Event prefixes subscribed per ticker, by feed. */
const CHANNELS: Readonly<Record<MassiveFeed, readonly string[]>> = {
  realtime: ['T', 'Q', 'AM'],
  delayed: ['T', 'AM'],
};

export class MassiveSocketFeed {
  private current: MassiveFeed;

  constructor(
    private readonly setting: MassiveFeedSetting,
    /** Where `auto` steps down to; the feed's own base URL otherwise comes from the caller. */
    private readonly delayedWsBaseUrl: string,
  ) {
    this.current = setting === 'delayed' ? 'delayed' : 'realtime';
  }

  feed(): MassiveFeed {
    return this.current;
  }

  /** Channels subscribed per ticker: those of the feed the setting starts on. */
  channels(): readonly string[] {
    return CHANNELS[this.setting === 'delayed' ? 'delayed' : 'realtime'];
  }

  /** The socket base to dial: the caller's, or the delayed host once `auto` stepped down. */
  wsBaseUrl(callerWsBaseUrl: string): string {
    return this.setting === 'auto' && this.current === 'delayed' ? this.delayedWsBaseUrl : callerWsBaseUrl;
  }

  /** Streams the current host carries (the delayed host has no quotes `Q`). */
  carried(streams: readonly string[]): string[] {
    const channels = CHANNELS[this.current];
    return streams.filter((stream) => channels.includes(stream.slice(0, stream.indexOf('.'))));
  }

  /** True when this error frame made `auto` step down from the real-time host to the delayed one. */
  stepDown(error: { code: number | string }): boolean {
    if (this.setting !== 'auto' || this.current !== 'realtime') return false;
    if (error.code !== MassiveFeedErrorCode.AuthFailed) return false;
    this.current = 'delayed';
    return true;
  }
}
