/** The HTTP error base, the errors every service shares, and their rendering. */
export * from './http-error';
export * from './http-errors';
export * from './error-handler';
