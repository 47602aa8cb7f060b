/** Reads a service's variables from the environment once, through its schema. */
import type { z } from 'zod';
import { ConfigError } from './config-error';

/**
 * Parses the variables `keys` of `env` with `schema` (an empty variable counts as unset);
 * throws one ConfigError listing every problem.
 */
export function readEnv<T>(keys: readonly string[], schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  const input = Object.fromEntries(keys.map((key) => [key, emptyToUndefined(env[key])]));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
