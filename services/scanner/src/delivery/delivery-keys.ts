/**
 * Every Redis key of signal delivery, spelled once. The namespace is a parameter so tests
 * isolate themselves on a shared server; every key carries the hash tag `{<ns>}`, so each
 * script's keys live in one slot of a Redis Cluster.
 */

const NAMESPACE_RE = /^[A-Za-z0-9_.-]{1,64}$/;
/** Destination ids become part of keys: no braces (hash tags), no spaces. */
const DESTINATION_ID_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

/** The consumer group every scanner instance reads a destination's queue with. */
export const DELIVERY_GROUP = 'delivery';

export interface DeliveryKeys {
  readonly namespace: string;
  /** Sorted set destination id -> when it may be served next (ms since the epoch): destinations with work. */
  readonly due: string;
  /** Hash destination id -> JSON `{code, reason, at}`: destinations disabled for good. */
  readonly disabled: string;
  /** Stream of one destination's queued signals (field `signal`), read by {@link DELIVERY_GROUP}. */
  queue(destinationId: string): string;
  /** Hash entry id -> failed attempts of one destination's queued entries. */
  attempts(destinationId: string): string;
  /** Stream of one destination's dead letters (fields `signalId`, `signal`, `code`, `reason`, `at`), trimmed. */
  deadLetters(destinationId: string): string;
  /** String `queued` | `delivered` | `dead` with a TTL: the one state of a signal at a destination. */
  mark(destinationId: string, signalId: string): string;
  /** Everything delivery keeps for one destination, to be removed with it. */
  footprint(destinationId: string): DestinationFootprint;
}

/**
 * What delivery keeps for one destination, besides the per-signal marks (they expire by
 * themselves, and cannot be listed without scanning the keyspace).
 */
export interface DestinationFootprint {
  /** Keys of this destination alone: its queue, attempts and dead letters. */
  keys: string[];
  /** Its field in shared hashes (`disabled`). */
  hashFields: [key: string, field: string][];
  /** Its member in shared sorted sets (`due`). */
  sortedSetMembers: [key: string, member: string][];
}

export function deliveryKeys(namespace: string): DeliveryKeys {
  if (!NAMESPACE_RE.test(namespace)) {
    throw new TypeError(`namespace must match ${NAMESPACE_RE.source}, got ${JSON.stringify(namespace)}`);
  }
  const prefix = `${namespace}:{${namespace}}:delivery:`;
  const perDestination = (kind: string) => (destinationId: string) =>
    `${prefix}${kind}:${checkedDestinationId(destinationId)}`;
  const due = `${prefix}due`;
  const disabled = `${prefix}disabled`;
  const queue = perDestination('queue');
  const attempts = perDestination('attempts');
  const deadLetters = perDestination('dead');
  return {
    namespace,
    due,
    disabled,
    queue,
    attempts,
    deadLetters,
    // The signal id may hold any character but braces would change the slot: it goes last, escaped.
    mark: (destinationId, signalId) =>
      `${prefix}mark:${checkedDestinationId(destinationId)}:${signalId.replace(/[{}]/gu, '_')}`,
    footprint: (destinationId) => ({
      keys: [queue(destinationId), attempts(destinationId), deadLetters(destinationId)],
      hashFields: [[disabled, destinationId]],
      sortedSetMembers: [[due, destinationId]],
    }),
  };
}

export function isDestinationId(value: string): boolean {
  return DESTINATION_ID_RE.test(value);
}

function checkedDestinationId(destinationId: string): string {
  if (!isDestinationId(destinationId)) {
    throw new TypeError(
      `destination id must match ${DESTINATION_ID_RE.source}, got ${JSON.stringify(destinationId)}`,
    );
  }
  return destinationId;
}
