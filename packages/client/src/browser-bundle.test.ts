/**
 * What a browser app ships for this package: built for the browser (a Node built-in anywhere in
 * it fails that build), minified, with eventsource-parser, under 8 KB gzipped. The figure is in
 * the package README; `pnpm --filter @tickwire/client size` prints it with a breakdown.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const MAX_GZIP_BYTES = 8 * 1024;

interface BundleSize {
  minBytes: number;
  gzipBytes: number;
  inputs: { path: string; bytesInOutput: number }[];
}

it('makes a browser bundle under 8 KB min+gzip, without Node built-ins', () => {
  const script = resolve(__dirname, '../scripts/build.js');
  const output = execFileSync(process.execPath, [script, '--size-only', '--json'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const size = JSON.parse(output) as BundleSize;
  expect(size.gzipBytes).toBeLessThan(MAX_GZIP_BYTES);
  expect(size.inputs.map((input) => input.path)).toContain('eventsource-parser/dist/index.js');
  expect(size.inputs.every((input) => !input.path.startsWith('node:'))).toBe(true);
});
