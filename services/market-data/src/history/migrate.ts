/**
 * Schema migrations of the history database: versioned SQL files (`sql/NNN_name.sql`) applied in
 * order, each once. Every run is one transaction that first takes a transaction-scoped advisory
 * lock, so pods starting at once (and `pnpm history:migrate`) queue behind each other and the
 * later ones find every version applied; a failing file rolls the whole run back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';

/** Where the SQL files are (copied next to the compiled code by the build). */
export const MIGRATIONS_DIR = join(__dirname, 'sql');

/** The advisory lock every migration run holds (an arbitrary constant: "tickwire history"). */
export const MIGRATION_LOCK_KEY = 7_215_406_117;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations in `dir`, oldest first; throws on a file name without a version. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d+)_([\w-]+)\.sql$/.exec(file);
      if (!match) throw new Error(`migration file ${file} must be named NNN_name.sql`);
      return { version: Number(match[1]), name: match[2]!, sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
}

/** Applies the migrations not applied yet; resolves with the versions this run applied. */
export async function migrateHistory(pool: Pool, migrations = loadMigrations()): Promise<number[]> {
  const client = await pool.connect();
  // A connection lost between statements arrives as an event; the next statement then fails.
  const ignore = () => undefined;
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    // Under the lock: two first runs would otherwise race on creating this table.
    await client.query(`CREATE TABLE IF NOT EXISTS history_migrations (
      version    integer     PRIMARY KEY,
      name       text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM history_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const ran: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO history_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      ran.push(migration.version);
    }
    await client.query('COMMIT');
    return ran;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', ignore);
    client.release(true);
  }
}
