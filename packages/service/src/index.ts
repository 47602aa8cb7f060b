/** What every Tickwire service shares, so no service copies another's plumbing. */
export * from './rest-client';
