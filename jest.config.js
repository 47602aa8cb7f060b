// One jest run for the whole workspace, in three tiers (STYLE.md rule 13).
// Workspace packages resolve to their TypeScript sources, so unit tests need no build;
// multi-process tests in test/ start the built pod (dist/), which `pnpm test` builds first.
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // ESM-only dependencies: node 20.19+ loads them with require(esm), jest before node 24.9 cannot.
    '/node_modules/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(\\.pnpm/trading-signals@[^/]+/node_modules/)?trading-signals/)',
  ],
  moduleNameMapper: {
    '^@tickwire/client/react$': '<rootDir>/packages/client/src/react/index.ts',
    '^@tickwire/(core|exchanges|exchange-sim|cluster|observability|testkit|service|client)$':
      '<rootDir>/packages/$1/src/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30_000,
  maxWorkers: 2,
  // A worker whose heap grew past this after a test file is replaced before the next one. Tests
  // that start a simulator with hundreds of symbols (24 h of minute history each) leave a worker
  // with a large heap; on node 22 and 24 V8 keeps the freed pages and unmaps them one by one when
  // the process exits, which took ~0.9 s of CPU, longer than jest waits (500 ms) for a worker to
  // exit at the end of a run ("A worker process has failed to exit gracefully").
  workerIdleMemoryLimit: '300MB',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,services}/*/src/**/*.test.ts'],
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '\\.int\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,services}/*/src/**/*.int.test.ts'],
    },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};
