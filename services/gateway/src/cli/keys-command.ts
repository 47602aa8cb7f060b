/**
 * `pnpm keys`: manages the gateway's API keys from a shell, in the same Redis and namespace as
 * the gateway (it reads the gateway's environment: `REDIS_URL` or the other Redis settings,
 * `GATEWAY_NAMESPACE`).
 *
 *   pnpm keys create --scope bot --name my-bot --owner <owner id> [--expires 30d] [--max-streams 50] [--json]
 *   pnpm keys list [--json]
 *   pnpm keys revoke <id> [--json]
 *
 * `create` prints the key once; only its hash is stored. Exit status: 0 done, 1 failed (an
 * unknown id, Redis), 2 a usage or configuration error.
 */
import { parseArgs } from 'node:util';
import { closeRedisClients } from '@tickwire/cluster';
import { loadConfig } from '../config';
import { gatewayKeys } from '../gateway-keys';
import { ApiKeyStore, KEY_ID_PATTERN, parseNewKey, type ApiKeyView } from '../keys';
import { openGatewayRedis } from '../redis-connection';

export const USAGE = `usage:
  pnpm keys create --scope read|bot|admin --name <name> [--owner <owner id>] [--expires 30d|12h|90m] [--max-streams <n>] [--json]
  pnpm keys list [--json]
  pnpm keys revoke <id> [--json]`;

export interface CommandIo {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
}

class UsageError extends Error {}

/** Runs one command; resolves with the exit status. */
export async function runKeysCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    io.err((error as Error).message);
    return 2;
  }
  const redis = await openGatewayRedis(config).catch((error: unknown) => error as Error);
  if (redis instanceof Error) {
    io.err(redis.message);
    return 1;
  }
  try {
    const store = new ApiKeyStore(redis, gatewayKeys(config.GATEWAY_NAMESPACE));
    return await execute(parsed, store, io);
  } finally {
    await closeRedisClients([redis]);
  }
}

type Command =
  | { name: 'create'; input: Record<string, string | number>; json: boolean }
  | { name: 'list'; json: boolean }
  | { name: 'revoke'; id: string; json: boolean };

function parseCommand(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        scope: { type: 'string' },
        name: { type: 'string' },
        owner: { type: 'string' },
        expires: { type: 'string' },
        'max-streams': { type: 'string' },
        json: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const json = values.json === true;
  const flags = Object.keys(values).filter((flag) => flag !== 'json');
  switch (name) {
    case 'create': {
      if (positionals.length > 0) throw new UsageError(`create takes no argument "${positionals[0]}"`);
      const input: Record<string, string | number> = {};
      const fields = { scope: 'scope', name: 'name', owner: 'ownerId', expires: 'expiresIn' } as const;
      for (const [flag, field] of Object.entries(fields)) {
        const value = values[flag];
        if (typeof value === 'string') input[field] = value;
      }
      const maxStreams = values['max-streams'];
      // A number when it reads as one; anything else is passed on for parseNewKey to name.
      if (typeof maxStreams === 'string')
        input.maxStreams = /^\d{1,9}$/.test(maxStreams) ? Number(maxStreams) : maxStreams;
      return { name, input, json };
    }
    case 'list':
      if (positionals.length > 0 || flags.length > 0) throw new UsageError('list takes only --json');
      return { name, json };
    case 'revoke': {
      const [id, ...more] = positionals;
      if (id === undefined || more.length > 0 || flags.length > 0)
        throw new UsageError('revoke takes one key id (see `pnpm keys list`)');
      return { name, id, json };
    }
    default:
      throw new UsageError(name === undefined ? 'no command given' : `unknown command "${name}"`);
  }
}

async function execute(command: Command, store: ApiKeyStore, io: CommandIo): Promise<number> {
  switch (command.name) {
    case 'create': {
      const now = Date.now();
      const parsed = parseNewKey(command.input, now);
      if (!parsed.ok) {
        const flagOf: Record<string, string> = {
          ownerId: '--owner',
          expiresIn: '--expires',
          maxStreams: '--max-streams',
        };
        io.err(parsed.problems.map((p) => `${flagOf[p.field] ?? `--${p.field}`}: ${p.message}`).join('\n'));
        return 2;
      }
      const { key, view } = await store.create(parsed.key, now);
      if (command.json) io.out(JSON.stringify({ key, ...view }));
      else
        io.out(
          `created ${describe(view)}\n\n  ${key}\n\nThis is the only time the key is shown: store it now. Send it as "Authorization: Bearer <key>".`,
        );
      return 0;
    }
    case 'list': {
      const keys = await store.list();
      if (command.json) io.out(JSON.stringify({ keys }));
      else io.out(keys.length === 0 ? 'no keys' : keys.map(describe).join('\n'));
      return 0;
    }
    case 'revoke': {
      const view = KEY_ID_PATTERN.test(command.id) ? await store.revoke(command.id) : undefined;
      if (view === undefined) {
        io.err(`no key with id "${command.id}" (see \`pnpm keys list\`)`);
        return 1;
      }
      io.out(command.json ? JSON.stringify(view) : `revoked ${describe(view)}`);
      return 0;
    }
  }
}

/** One line per key: `3fa2c1d09e4b  tw_3fa2c1d09e4b  bot  active  "my-bot"  owner ...  expires ...`. */
function describe(view: ApiKeyView): string {
  return [
    view.id,
    view.prefix,
    view.scope,
    view.status,
    JSON.stringify(view.name),
    view.ownerId === undefined ? undefined : `owner ${view.ownerId}`,
    view.maxStreams === undefined ? undefined : `max streams ${view.maxStreams}`,
    `created ${view.createdAt}`,
    view.expiresAt === undefined ? undefined : `expires ${view.expiresAt}`,
    view.revokedAt === undefined ? undefined : `revoked ${view.revokedAt}`,
  ]
    .filter((part) => part !== undefined)
    .join('  ');
}
