/** The symbol catalog: which symbols each exchange lists, cached, so unknown ones are refused without a round trip. */
export { DEFAULT_SYMBOL_CATALOG_OPTIONS, SymbolCatalog } from './symbol-catalog';
export type {
  SymbolCatalogExchange,
  SymbolCatalogOptions,
  SymbolCatalogState,
  SymbolListState,
  SymbolLookup,
} from './symbol-catalog';
export { SymbolCatalogError, SymbolCatalogErrorCode } from './symbol-catalog-errors';
