/** The HTTP edge every service shares: headers, CORS, methods, strict queries, parser errors. */
export * from './cors-policy';
export * from './edge-headers';
export * from './client-errors';
export * from './other-methods';
export * from './strict-query';
export * from './read-route';
export * from './resource-route';
export * from './json-body';
export * from './service-app';
export * from './service-server';
export * from './server-listening';
export * from './entity-tag';
export * from './static-site';
