/** Who a request comes from, once the gateway has checked it. */
import type { Scope } from '../keys';

export interface KeyCaller {
  kind: 'key';
  keyId: string;
  prefix: string;
  scope: Scope;
  /** The scanner owner of a `bot` key. */
  ownerId?: string;
}

export type Caller = KeyCaller | { kind: 'anonymous' };
