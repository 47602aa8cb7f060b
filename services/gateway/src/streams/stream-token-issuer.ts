/**
 * Issues the stream tokens a caller opens streams on the pods with: signed with the secret the
 * pods share, naming the key (its id, never the key) or, for an anonymous caller, its address,
 * with the quota of concurrent streams the pods enforce. A token never outlives its key.
 */
import { signStreamToken } from '@tickwire/service';
import type { Caller } from '../auth';

export interface StreamTokenIssuerOptions {
  secret: string;
  /** STREAM_TOKEN_TTL_MS. */
  lifetimeMs: number;
  /** MAX_STREAMS_PER_KEY: the quota of keys that do not carry their own. */
  maxStreamsPerKey: number;
  /** ANONYMOUS_MAX_STREAMS: the quota of one address without a key. */
  anonymousMaxStreams: number;
}

export interface IssuedStreamToken {
  token: string;
  /** ms since the epoch. */
  expiresAt: number;
}

/** The shortest lifetime signed (ms): token times are whole seconds. */
const MIN_LIFETIME_MS = 1_000;

export class StreamTokenIssuer {
  constructor(private readonly options: StreamTokenIssuerOptions) {}

  issue(
    caller: Caller,
    address: string,
    symbols: readonly string[] | undefined,
    now: number,
  ): IssuedStreamToken {
    const { secret, lifetimeMs } = this.options;
    const subject =
      caller.kind === 'key'
        ? {
            sub: caller.keyId,
            scope: caller.scope,
            maxStreams: caller.maxStreams ?? this.options.maxStreamsPerKey,
          }
        : { sub: `ip:${address}`, scope: 'read', maxStreams: this.options.anonymousMaxStreams };
    const untilKeyExpires =
      caller.kind === 'key' && caller.expiresAt !== undefined ? caller.expiresAt - now : lifetimeMs;
    return signStreamToken(
      {
        ...subject,
        ...(symbols !== undefined && { sym: symbols }),
        now,
        lifetimeMs: Math.max(MIN_LIFETIME_MS, Math.min(lifetimeMs, untilKeyExpires)),
      },
      secret,
    );
  }
}
