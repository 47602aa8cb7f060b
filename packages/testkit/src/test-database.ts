/**
 * A fresh PostgreSQL database per test file on a real server: `DATABASE_URL` when set, else the
 * local one (127.0.0.1:5432, user postgres, trust auth). `drop()` removes it, connections and all.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  /** postgres:// URL of the fresh database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The server's URL (the maintenance database on it is used to create and drop test databases). */
export function testDatabaseServerUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

async function onServer<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testDatabaseServerUrl(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tw_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(testDatabaseServerUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => onServer((client) => dropWhenIdle(client, name)),
  };
}

/** How long a drop waits for the file's own clients to finish closing before it forces them out. */
const DROP_IDLE_WAIT_MS = 5_000;
const DROP_POLL_MS = 50;

/**
 * Drops `name` once no session is connected to it. A client that has just called end() may still
 * have its session open for a moment; forcing it out then (WITH (FORCE)) makes the server send it
 * FATAL 57P01, which pg raises as an 'error' on a client nobody listens to any more. Sessions still
 * open after DROP_IDLE_WAIT_MS (a test that leaked a pool) are forced out.
 */
async function dropWhenIdle(client: Client, name: string): Promise<void> {
  const deadline = Date.now() + DROP_IDLE_WAIT_MS;
  while (Date.now() < deadline) {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    if (rows[0]?.n === '0') break;
    await new Promise((resolve) => setTimeout(resolve, DROP_POLL_MS));
  }
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
