/** What operators see of the cluster through the gateway's admin API. */
export * from './cluster-view';
