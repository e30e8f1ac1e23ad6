/**
 * Runs after every test file (jest setupFilesAfterEnv). nock intercepts by patching Node's shared http module,
 * but each test file loads its own copy of nock: one left active keeps intercepting the next file's requests
 * with a stale copy, and requests that should pass through (a loopback OAuth redirect, a Seyren double) then
 * fail in ways that depend on the order the files ran in. So a file that loaded nock has it restored here,
 * whether or not the file remembered to.
 */
afterAll(() => {
  const loaded = Object.keys(require.cache).some((key) =>
    /[/\\]node_modules[/\\]nock[/\\]index\.js$/.test(key),
  );
  if (!loaded) return; // requiring nock here would switch interception on for a file that never used it
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nock = require('nock') as typeof import('nock');
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
