/** Who a request comes from, once the gateway has checked it. */
import type { Scope } from '../keys';

export interface KeyCaller {
  kind: 'key';
  keyId: string;
  prefix: string;
  scope: Scope;
  /** The scanner owner of a `bot` key. */
  ownerId?: string;
  /** The key's own quota of concurrent streams, if it has one. */
  maxStreams?: number;
  /** When the key expires (ms since the epoch), if it does. */
  expiresAt?: number;
}

export type Caller = KeyCaller | { kind: 'anonymous' };

/** Who did it, as logs name the caller: a key's visible prefix, never the key. */
export function actorOf(caller: Caller): string {
  return caller.kind === 'key' ? caller.prefix : 'anonymous';
}
