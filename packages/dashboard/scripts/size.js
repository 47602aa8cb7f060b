// Measures the dashboard's JavaScript as a browser downloads it (gzip, level 9) and fails above
// the budget. `node scripts/size.js --json` prints the figures as JSON.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');

/** The budget for all of the dashboard's JavaScript, gzipped (bytes). */
const MAX_JS_GZIP_BYTES = 100 * 1024;

const assets = join(__dirname, '../dist/assets');
const files = readdirSync(assets).filter((name) => name.endsWith('.js') || name.endsWith('.css'));
const sizes = files.map((name) => {
  const body = readFileSync(join(assets, name));
  return { name, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
});
const js = sizes.filter((file) => file.name.endsWith('.js'));
const total = {
  jsBytes: js.reduce((sum, file) => sum + file.bytes, 0),
  jsGzipBytes: js.reduce((sum, file) => sum + file.gzipBytes, 0),
  files: sizes,
};
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(total)}\n`);
else {
  process.stdout.write(`dashboard JS: ${total.jsBytes} bytes minified, ${total.jsGzipBytes} bytes gzip\n`);
  for (const file of sizes) process.stdout.write(`  ${file.gzipBytes}\t${file.bytes}\t${file.name}\n`);
}
if (total.jsGzipBytes > MAX_JS_GZIP_BYTES) {
  process.stderr.write(`the dashboard's JS is ${total.jsGzipBytes} bytes gzip, over ${MAX_JS_GZIP_BYTES}\n`);
  process.exit(1);
}
