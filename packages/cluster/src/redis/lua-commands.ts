/**
 * Registers Lua scripts as commands on a connection, the one way every package and service
 * calls Lua: one script per `<name>-<number of keys>.lua` file (as in bullmq), read once per
 * process, defined once per connection (ioredis then uses EVALSHA and falls back to EVAL after a
 * Redis restart), and called by name through the typed module that owns the scripts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient } from './redis-client';

export type LuaFunction = (...args: (string | number)[]) => Promise<unknown>;

const sources = new Map<string, { lua: string; numberOfKeys: number }>();

function source(path: string): { lua: string; numberOfKeys: number } {
  let entry = sources.get(path);
  if (!entry) {
    const numberOfKeys = Number(/-(\d+)\.lua$/.exec(path)?.[1]);
    if (!Number.isInteger(numberOfKeys)) throw new TypeError(`${path} does not end in -<keys>.lua`);
    entry = { lua: readFileSync(path, 'utf8'), numberOfKeys };
    sources.set(path, entry);
  }
  return entry;
}

/**
 * Defines each script of `files` (name -> file in `directory`) on `client`, unless a command of
 * that name is already there, and returns the functions that call them.
 */
export function defineLuaCommands<Name extends string>(
  client: RedisClient,
  directory: string,
  files: Readonly<Record<Name, string>>,
): Record<Name, LuaFunction> {
  const functions = {} as Record<Name, LuaFunction>;
  for (const name of Object.keys(files) as Name[]) {
    if (!(name in client)) client.defineCommand(name, source(join(directory, files[name])));
    const fn = (client as unknown as Record<Name, LuaFunction>)[name];
    functions[name] = fn.bind(client);
  }
  return functions;
}
