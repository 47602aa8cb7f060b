#!/usr/bin/env node
/**
 * `pnpm history:migrate`: applies the history database's migrations (HISTORY_DATABASE_URL) and
 * exits. Pods also migrate at start; this is for a deploy step that runs before them. Safe to
 * run any number of times, and at the same time as pods (see history/migrate.ts).
 */
import { Pool } from 'pg';
import { HISTORY_CONNECT_TIMEOUT_MS, migrateHistory } from '../history';

async function main(): Promise<number> {
  const url = process.env.HISTORY_DATABASE_URL;
  if (!url) {
    process.stderr.write(
      'HISTORY_DATABASE_URL is not set: give the postgres:// URL of the history database\n',
    );
    return 2;
  }
  const pool = new Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: HISTORY_CONNECT_TIMEOUT_MS,
  });
  try {
    const applied = await migrateHistory(pool);
    process.stdout.write(
      applied.length > 0
        ? `applied migrations ${applied.join(', ')}\n`
        : 'the history database is up to date\n',
    );
    return 0;
  } finally {
    await pool.end();
  }
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`pnpm history:migrate failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
