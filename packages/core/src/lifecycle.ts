/** STYLE rule 10: every long-lived component starts (resolving when ready) and stops idempotently. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}
