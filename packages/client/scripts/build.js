// Builds the published package: one ES module and one CommonJS bundle (dist/esm, dist/cjs, each
// with a package.json naming its module type), one bundled declaration file beside each, the same
// for the React hooks (`@tickwire/client/react`: dist/*/react.js, which import react and the main
// entry by name, so an app has one React and one copy of the SDK), and, with --size, measures
// the browser bundle an app ships (eventsource-parser included).
//   node scripts/build.js            build
//   node scripts/build.js --size     build, then print the browser bundle's size
//   node scripts/build.js --size-only --json    only measure, as JSON (the size test uses it)
// The workspace's @tickwire/core is private: its code and types are bundled in, never imported.
const { execFileSync } = require('node:child_process');
const { mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { gzipSync } = require('node:zlib');
const esbuild = require('esbuild');

const root = resolve(__dirname, '..');
const entry = join(root, 'src/index.ts');
const reactEntry = join(root, 'src/react/index.ts');
/** Imported by name from the React entry, never bundled into it. */
const REACT_EXTERNAL = ['react', '@tickwire/client', 'eventsource-parser'];
const coreEntry = resolve(root, '../core/src/index.ts');
/** Old enough for every browser still supported by its vendor, new enough for class fields. */
const TARGET = 'es2020';

/** Resolves @tickwire/core to its sources, free of side effects, so only what is used is bundled. */
const bundleCore = {
  name: 'bundle-core',
  setup(build) {
    build.onResolve({ filter: /^@tickwire\/core$/ }, () => ({ path: coreEntry, sideEffects: false }));
  },
};

async function buildModules() {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const shared = {
    entryPoints: [entry],
    bundle: true,
    // Neutral: any Node built-in import fails the build, so none reaches a browser.
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: TARGET,
    external: ['eventsource-parser'],
    plugins: [bundleCore],
    legalComments: 'none',
    logLevel: 'warning',
  };
  await esbuild.build({ ...shared, format: 'esm', outfile: join(root, 'dist/esm/index.js') });
  await esbuild.build({ ...shared, format: 'cjs', outfile: join(root, 'dist/cjs/index.js') });
  const hooks = { ...shared, entryPoints: [reactEntry], external: REACT_EXTERNAL };
  await esbuild.build({ ...hooks, format: 'esm', outfile: join(root, 'dist/esm/react.js') });
  await esbuild.build({ ...hooks, format: 'cjs', outfile: join(root, 'dist/cjs/react.js') });
  writeFileSync(join(root, 'dist/esm/package.json'), '{ "type": "module" }\n');
  writeFileSync(join(root, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
}

async function buildDeclarations() {
  // Type-check against browser types only (no @types/node): Node-only APIs do not compile.
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
  const { rollup } = await import('rollup');
  const { dts } = await import('rollup-plugin-dts');
  for (const [input, external, name] of [
    [entry, ['eventsource-parser'], 'index.d.ts'],
    [reactEntry, REACT_EXTERNAL, 'react.d.ts'],
  ]) {
    const bundle = await rollup({
      input,
      external,
      plugins: [dts({ tsconfig: join(root, 'tsconfig.build.json'), respectExternal: true })],
    });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    const text = output[0].code;
    if (/@tickwire\//.test(text.replace(/@tickwire\/client/g, '')))
      throw new Error(`the declarations of ${name} still import a private workspace package`);
    for (const dir of ['esm', 'cjs']) writeFileSync(join(root, `dist/${dir}/${name}`), text);
  }
}

/** The bundle a browser app ships for `import { PriceStream, TickwireClient } from '@tickwire/client'`. */
async function measureBrowserBundle() {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: TARGET,
    minify: true,
    write: false,
    metafile: true,
    plugins: [bundleCore],
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0].inputs)
    .map(([path, { bytesInOutput }]) => ({ path: path.replace(/^.*node_modules\//, ''), bytesInOutput }))
    .filter((input) => input.bytesInOutput > 0)
    .sort((a, b) => b.bytesInOutput - a.bytesInOutput);
  return { minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, inputs };
}

/** What `@tickwire/client/react` adds on top of the SDK and React, which an app has anyway. */
async function measureHooksBundle() {
  const result = await esbuild.build({
    entryPoints: [reactEntry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: TARGET,
    minify: true,
    write: false,
    external: REACT_EXTERNAL,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

async function main() {
  const args = new Set(process.argv.slice(2));
  if (!args.has('--size-only')) {
    await buildModules();
    await buildDeclarations();
  }
  if (args.has('--size') || args.has('--size-only')) {
    const size = { ...(await measureBrowserBundle()), hooks: await measureHooksBundle() };
    if (args.has('--json')) process.stdout.write(`${JSON.stringify(size)}\n`);
    else {
      process.stdout.write(
        `browser bundle: ${size.minBytes} bytes minified, ${size.gzipBytes} bytes min+gzip\n`,
      );
      for (const input of size.inputs) process.stdout.write(`  ${input.bytesInOutput}\t${input.path}\n`);
      process.stdout.write(
        `react hooks (react and the SDK excluded): ${size.hooks.minBytes} bytes minified, ${size.hooks.gzipBytes} bytes min+gzip\n`,
      );
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
