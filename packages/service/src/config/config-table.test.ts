import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { envFlag, envInteger, envList, envMilliseconds, envOrigins, envUrl } from './env-fields';
import { renderConfigTable, schemaDefaults, withConfigTable, type ConfigTable } from './config-table';
import { ConfigError } from './config-error';
import { readEnv } from './read-env';
import { syncConfigTables } from './sync-config-tables';

const shape = {
  PORT: envInteger(0, 65535).default(8080),
  POLL_MS: envMilliseconds(10, 1_000).default(100),
  TAGS: envList().default(['a', 'b']),
  ORIGINS: envOrigins().default([]),
  ENABLED: envFlag().default(true),
  UPSTREAM_URL: envUrl(['https:']),
  TOKEN: z.string().optional(),
};
const schema = z.object(shape);

const table: ConfigTable = {
  marker: 'demo',
  docs: {
    PORT: 'Port.',
    POLL_MS: 'Poll interval (ms).',
    TAGS: 'Tags.',
    ORIGINS: 'Origins.',
    ENABLED: 'On or off.',
    UPSTREAM_URL: 'Where to read.',
    TOKEN: { text: 'Secret.', shownDefault: 'from the vault' },
  },
  defaults: schemaDefaults(shape),
};

describe('readEnv', () => {
  it('reads integers, durations, lists, flags and URLs, an empty variable counting as unset', () => {
    const config = readEnv(Object.keys(shape), schema, {
      PORT: ' ',
      POLL_MS: '250',
      TAGS: ' x, ,y ',
      ENABLED: 'no',
      UPSTREAM_URL: 'https://example.com',
    });
    expect(config).toEqual({
      PORT: 8080,
      POLL_MS: 250,
      TAGS: ['x', 'y'],
      ORIGINS: [],
      ENABLED: false,
      UPSTREAM_URL: 'https://example.com',
    });
  });

  it('throws one ConfigError naming every bad variable, with its unit and range', () => {
    let caught: unknown;
    try {
      readEnv(Object.keys(shape), schema, {
        PORT: '70000',
        POLL_MS: '1.5',
        ENABLED: 'maybe',
        UPSTREAM_URL: 'http://plain',
        ORIGINS: 'https://ok.example,https://bad.example/path',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.code).toBe('CONFIG_INVALID');
    const problems = error.problems.join('\n');
    expect(problems).toContain('PORT: must be a whole number from 0 to 65535');
    expect(problems).toContain('POLL_MS: must be a whole number of ms from 10 to 1000');
    expect(problems).toContain('ENABLED');
    expect(problems).toContain('UPSTREAM_URL: must be a URL starting with https://');
    expect(problems).toContain('"https://bad.example/path" is not an origin');
    expect(problems).not.toContain('https://ok.example"');
  });

  it('accepts * as every origin', () => {
    expect(readEnv(['ORIGINS'], z.object({ ORIGINS: envOrigins() }), { ORIGINS: '*' })).toEqual({
      ORIGINS: ['*'],
    });
  });
});

describe('the configuration table', () => {
  it('renders one row per documented variable with the default the schema produces', () => {
    expect(renderConfigTable(table).split('\n')).toEqual([
      '| Variable | Default | Meaning |',
      '| --- | --- | --- |',
      '| `PORT` | `8080` | Port. |',
      '| `POLL_MS` | `100` | Poll interval (ms). |',
      '| `TAGS` | `a,b` | Tags. |',
      '| `ORIGINS` | none | Origins. |',
      '| `ENABLED` | `true` | On or off. |',
      '| `UPSTREAM_URL` | required | Where to read. |',
      '| `TOKEN` | from the vault | Secret. |',
    ]);
  });

  it('replaces only what lies between its markers, and refuses a document without them', () => {
    const document = 'intro\n<!-- config:demo:start -->\nold\n<!-- config:demo:end -->\noutro\n';
    const updated = withConfigTable(document, table);
    expect(updated.startsWith('intro\n<!-- config:demo:start -->\n| Variable |')).toBe(true);
    expect(
      updated.endsWith('| `TOKEN` | from the vault | Secret. |\n<!-- config:demo:end -->\noutro\n'),
    ).toBe(true);
    expect(withConfigTable(updated, table)).toBe(updated);
    expect(() => withConfigTable('no markers', table)).toThrow('config:demo:start');
  });

  it('rewrites an outdated README, and in check mode only reports it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-table-'));
    try {
      const readme = join(dir, 'README.md');
      const outdated = '# x\n<!-- config:demo:start -->\n| old |\n<!-- config:demo:end -->\n';
      writeFileSync(readme, outdated);
      expect(syncConfigTables(readme, [table], { check: true })).toEqual({ outdated: ['demo'] });
      expect(readFileSync(readme, 'utf8')).toBe(outdated);
      expect(syncConfigTables(readme, [table], { check: false })).toEqual({ outdated: ['demo'] });
      expect(syncConfigTables(readme, [table], { check: true })).toEqual({ outdated: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
