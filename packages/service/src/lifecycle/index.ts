/** How a service process starts and stops. */
export * from './run-service';
export * from './http-service';
