/** Operations endpoints every service serves. */
export * from './ops-routes';
