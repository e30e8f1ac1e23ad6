// Three projects: unit tests are pure and fast; e2e tests run the CLI against doubles; integration tests share one real Graphite + statsD
// stack started by globalSetup (test/integration/stack-setup.ts) and stopped by globalTeardown.
/** @type {import('jest').Config} */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};
module.exports = {
  // Integration tests talk to real daemons; their own polling bounds each wait.
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/unit/**/*.test.ts'],
    },
    // Through the built CLI (dist/, built by `npm test`'s pretest) against in-test doubles, e.g. Seyren's.
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/stack-setup.ts',
      globalTeardown: '<rootDir>/test/integration/stack-teardown.ts',
    },
  ],
};
