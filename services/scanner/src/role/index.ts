/** The active scanner's work: started and stopped by the election, scanning on a clock. */
export { ScannerRole, roleName, type ScannerRoleOptions } from './scanner-role';
export { ScanLoop, type Scan, type ScanOutcome, type ScanLoopOptions } from './scan-loop';
