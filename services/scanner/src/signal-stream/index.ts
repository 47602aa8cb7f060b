/**
 * Live signals over Server-Sent Events: one reader of the signal stream per replica, the fan-out
 * to the replica's clients by owner, and the bounded replay a resuming client gets first.
 */
export {
  SignalStream,
  MAX_REPLAY_SIGNALS,
  MAX_REPLAY_SCANNED_ENTRIES,
  STREAM_RETRY_MS,
  type SignalStreamOptions,
  type SignalStreamView,
  type Admission,
} from './signal-stream';
export {
  SignalFanout,
  signalFrame,
  MAX_CLIENT_BUFFER_BYTES,
  STREAM_END_GRACE_MS,
  type SignalFanoutOptions,
  type SignalStreamMetrics,
} from './signal-fanout';
export { SignalFeed, type SignalFeedOptions } from './signal-feed';
export { SignalSubscriber } from './signal-subscriber';
