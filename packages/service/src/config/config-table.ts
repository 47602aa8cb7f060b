/**
 * The README's configuration table of a service, generated from its docs and its schema's
 * defaults, so the table cannot drift from what the code reads. Each service's table sits
 * between `<!-- config:<marker>:start -->` and `<!-- config:<marker>:end -->`.
 */
import type { z } from 'zod';

/** What a variable means, with its unit; `shownDefault` replaces a default computed at start. */
export type ConfigDoc = string | { text: string; shownDefault: string };

/** One doc line per variable: keyed by the config type, so the compiler asks for every one. */
export type ConfigDocs<Config> = { readonly [Key in keyof Config]-?: ConfigDoc };

/** What the generator needs from a service. */
export interface ConfigTable {
  /** Names the README markers around the table. */
  marker: string;
  docs: Readonly<Record<string, ConfigDoc>>;
  /** The default of every variable (undefined: unset; REQUIRED: no default). */
  defaults: Readonly<Record<string, unknown>>;
}

/** The default of a variable the service cannot start without. */
export const REQUIRED = Symbol('required');

/** Each field's default, as the schema produces it for an unset variable. */
export function schemaDefaults(shape: Readonly<Record<string, z.ZodType>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => {
      const parsed = field.safeParse(undefined);
      return [key, parsed.success ? parsed.data : REQUIRED];
    }),
  );
}

export function renderConfigTable(table: Pick<ConfigTable, 'docs' | 'defaults'>): string {
  const rows = Object.entries(table.docs).map(([key, doc]) => {
    const text = typeof doc === 'string' ? doc : doc.text;
    const shown = typeof doc === 'string' ? renderDefault(table.defaults[key]) : doc.shownDefault;
    return `| \`${key}\` | ${shown} | ${text} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

function renderDefault(value: unknown): string {
  if (value === REQUIRED) return 'required';
  if (value === undefined) return 'unset';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : `\`${value.join(',')}\``;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return `\`${value}\``;
  throw new Error(`cannot show a default of type ${typeof value}: give the variable a shownDefault`);
}

function markers(marker: string): [start: string, end: string] {
  return [`<!-- config:${marker}:start -->`, `<!-- config:${marker}:end -->`];
}

/** `document` with the table between its markers replaced; throws when the markers are missing. */
export function withConfigTable(document: string, table: ConfigTable): string {
  const [start, end] = markers(table.marker);
  const from = document.indexOf(start);
  const to = document.indexOf(end, from);
  if (from === -1 || to === -1)
    throw new Error(`the document has no "${start}" ... "${end}" markers for the ${table.marker} table`);
  return `${document.slice(0, from + start.length)}\n${renderConfigTable(table)}\n${document.slice(to)}`;
}
