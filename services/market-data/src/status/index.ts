/** What a pod says about itself: status, stream status events, health, and the leader's report. */
export { StatusBoard, type HubView, type StatusBoardOptions } from './status-board';
export { encodeLeaderReport, parseLeaderReport, type UpstreamReport } from './leader-report';
export type { PodStatus, StreamStatus } from './pod-status';
