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
    drop: () =>
      onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
