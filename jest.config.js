// Unit tests are pure and fast; e2e tests run the CLI against doubles; integration tests run twice, against a
// real single-node Graphite + statsD ("integration") and a real cluster of two nodes behind carbon-c-relay and a
// front graphite-web ("integration-cluster"). One global setup (test/integration/stack-setup.ts) starts both
// stacks in parallel, and the global teardown stops them.
/** @type {import('jest').Config} */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // A test file that loaded nock gets it restored, so it cannot intercept the next file's requests.
  setupFilesAfterEnv: ['<rootDir>/test/support/nock-per-file.ts'],
};
const integration = {
  ...base,
  testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
  globalSetup: '<rootDir>/test/integration/stack-setup.ts',
  globalTeardown: '<rootDir>/test/integration/stack-teardown.ts',
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
      ...integration,
      displayName: 'integration',
      setupFiles: ['<rootDir>/test/integration/topology-single.setup.ts'],
      // cluster/: faults and placement of the cluster topology only
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/cluster/'],
    },
    {
      ...integration,
      displayName: 'integration-cluster',
      setupFiles: ['<rootDir>/test/integration/topology-cluster.setup.ts'],
      // What must hold on a cluster: collect read back through the front, wildcard expansion over series on
      // several nodes, backtest and the evaluator, dashboards, the staleness check; plus the cluster's own tests.
      // The others test graphite-web's functions (the same code behind the front), statsD, a dead carbon port,
      // or start private stacks (stack-cli*, both topologies): once is enough, in "integration".
      testMatch: [
        '<rootDir>/test/integration/cluster/**/*.test.ts',
        ...[
          'collect-sample',
          'provision-wildcards',
          'backtest',
          'evaluator-agreement',
          'dashboard',
          'collector-staleness',
        ].map((name) => `<rootDir>/test/integration/${name}.test.ts`),
      ],
    },
  ],
};
