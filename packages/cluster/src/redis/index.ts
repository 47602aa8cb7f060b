export { RedisEngine, type RedisEngineOptions } from './redis-engine';
export {
  RedisElection,
  DEFAULT_ELECTION_TIMINGS,
  validateElectionTimings,
  type ElectionTimings,
} from './redis-election';
export { RedisDistribution, DEFAULT_RETAINED_BATCHES } from './redis-distribution';
export { RedisInterest, parseInterestEvent } from './redis-interest';
export { RedisCandleHistory } from './redis-candle-history';
export {
  createRedisClient,
  connectRedis,
  disconnectRedis,
  openRedisClients,
  closeRedisClients,
  parseRedisAddresses,
  STARTUP_CONNECT_TIMEOUT_MS,
  DEFAULT_COMMAND_TIMEOUT_MS,
  type RedisClient,
  type RedisAddress,
  type RedisConnectionOptions,
} from './redis-client';
export {
  clusterKeys,
  candleSeriesField,
  keyPrefix,
  streamAccessKeys,
  DEFAULT_NAMESPACE,
  type ClusterKeys,
  type StreamAccessKeys,
} from './keys';
export { StreamLeaseScripts, type LeaseAcquisition } from './stream-lease-scripts';
export {
  StreamQuota,
  DEFAULT_STREAM_LEASE_MS,
  type AcquireOptions,
  type StreamAdmission,
  type StreamLease,
  type StreamQuotaOptions,
} from './stream-quota';
export { RevocationWatch, type RevocationWatchOptions } from './revocation-watch';
export { ClusterError, NotLeaderError, RedisConnectError, isNotLeaderError } from './errors';
export { decodeBatch, type StreamEntry } from './batch-codec';
export { StreamTail, STREAM_START, type StreamTailOptions, type StreamTailState } from './stream-tail';
export { defineLuaCommands, type LuaFunction } from './lua-commands';
export { checkScriptReply, SCRIPT_ERROR_CODES } from './errors';
export { RedisLeadership, type RedisLeadershipOptions } from './redis-leadership';
export {
  encodeScannerHeartbeat,
  parseScannerHeartbeat,
  readScannerHeartbeat,
  ScannerHeartbeatWatch,
  SCANNER_STATUSES,
  type HeartbeatReading,
  type ScannerHeartbeat,
  type ScannerHeartbeatWatchOptions,
  type ScannerStatus,
} from './scanner-heartbeat';
