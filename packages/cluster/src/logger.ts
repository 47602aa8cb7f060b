/**
 * The logging this package needs, structurally a subset of pino's Logger, so a pod passes its
 * child logger in (STYLE rule 12) without this package depending on observability.
 */
export interface ClusterLogger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export const silentLogger: ClusterLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
