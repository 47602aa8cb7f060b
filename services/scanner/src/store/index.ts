/** The scanner's data in Redis: keys, records, the catalog with its indexes, and the scripts. */
export { scannerKeys, watchedField, type ScannerKeys } from './keys';
export * from './records';
export { CatalogStore, type CatalogStoreOptions, type Page, type PageOf } from './catalog-store';
export { ScannerScripts, type CatalogOperation } from './scanner-scripts';
export { StoreError, type StoreErrorCode } from './store-errors';
export { DISCORD_WEBHOOK_HOSTS, redactWebhookUrl } from '../webhook-url';
