#!/usr/bin/env node
// Generates the README's configuration tables from each service's CONFIG_DOCS and schema
// defaults (the `CONFIG_TABLE` its config module exports); `--check` changes nothing and fails
// when a table is out of date (CI runs it). Run `pnpm build` first: it reads the built services.
const fs = require('node:fs');
const path = require('node:path');
const { syncConfigTables } = require('../packages/service/dist/index.js');

const root = path.join(__dirname, '..');
const check = process.argv.includes('--check');

const tables = fs
  .readdirSync(path.join(root, 'services'))
  .map((name) => path.join(root, 'services', name, 'dist', 'config.js'))
  .filter((file) => fs.existsSync(file))
  .map((file) => require(file).CONFIG_TABLE)
  .filter((table) => table !== undefined);
if (tables.length === 0) {
  process.stderr.write('no built service exports CONFIG_TABLE; run `pnpm build` first\n');
  process.exit(1);
}

const { outdated } = syncConfigTables(path.join(root, 'README.md'), tables, { check });
const markers = tables.map((table) => table.marker).join(', ');
if (outdated.length === 0) {
  process.stdout.write(`README configuration tables up to date (${markers})\n`);
} else if (check) {
  process.stderr.write(
    `README configuration tables out of date: ${outdated.join(', ')}; run \`pnpm build && pnpm docs:config\`\n`,
  );
  process.exit(1);
} else {
  process.stdout.write(`README configuration tables rewritten: ${outdated.join(', ')}\n`);
}
