/** Rewrites (or, in check mode, verifies) the configuration tables of a README. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTable, type ConfigTable } from './config-table';

export interface SyncResult {
  /** Markers whose table differed from the generated one. */
  outdated: string[];
}

/** `check`: leave the file alone and report what is out of date. */
export function syncConfigTables(
  readmePath: string,
  tables: readonly ConfigTable[],
  options: { check: boolean },
): SyncResult {
  const original = readFileSync(readmePath, 'utf8');
  let document = original;
  const outdated: string[] = [];
  for (const table of tables) {
    const next = withConfigTable(document, table);
    if (next !== document) outdated.push(table.marker);
    document = next;
  }
  if (!options.check && document !== original) writeFileSync(readmePath, document);
  return { outdated };
}
