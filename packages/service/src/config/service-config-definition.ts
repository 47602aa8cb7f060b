/**
 * What every service's `config.ts` exports from its schema, built one way: the variables it
 * reads, the README table generated from its docs and defaults, and the loader that reads the
 * environment once and reports every problem at once.
 */
import type { z } from 'zod';
import { schemaDefaults, type ConfigDocs, type ConfigTable } from './config-table';
import { readEnv } from './read-env';

export interface ServiceConfigDefinition<Config> {
  /** Every variable the service reads. */
  keys: (keyof Config & string)[];
  /** The README's configuration table of the service (`pnpm docs:config`). */
  table: ConfigTable;
  /** Reads the environment once; throws one ConfigError listing every problem. */
  load(env?: NodeJS.ProcessEnv): Config;
}

export function defineServiceConfig<Config>(definition: {
  /** Names the README markers around the table (`<!-- config:<marker>:start -->`). */
  marker: string;
  /** One field per variable: its parsing and its default. */
  shape: Readonly<Record<keyof Config & string, z.ZodType>>;
  /** The whole schema, with the checks across variables. */
  schema: z.ZodType<Config>;
  docs: ConfigDocs<Config>;
}): ServiceConfigDefinition<Config> {
  const keys = Object.keys(definition.shape) as (keyof Config & string)[];
  return {
    keys,
    table: {
      marker: definition.marker,
      docs: definition.docs,
      defaults: schemaDefaults(definition.shape),
    },
    load: (env = process.env) => readEnv(keys, definition.schema, env),
  };
}
