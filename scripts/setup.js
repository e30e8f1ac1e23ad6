#!/usr/bin/env node
'use strict';
/*
 * healthlake's one setup step, run first by `npm test` and `npm run demo` (and by hand: `npm run setup`).
 * Idempotent: it installs only what is missing and says in one line when nothing was needed.
 *
 *   1. the Debian packages of the local Graphite stack (src/stack/debian-packages.json): apt-get as root,
 *      through sudo otherwise; where neither is possible it prints the exact command and exits 4;
 *   2. `npm ci` when node_modules is missing or older than package-lock.json;
 *   3. `npm run build` when a source is newer than dist/.
 *
 * Plain Node.js with no dependencies: it has to run before node_modules exists.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
/** Same code as the CLI's "missing component" (src/errors.ts): a wrapper can tell it from a test failure. */
const EXIT_MISSING_COMPONENT = 4;
const started = process.hrtime.bigint();

function say(line) {
  console.log(`healthlake setup: ${line}`);
}

function fail(line) {
  console.error(`healthlake setup: ${line}`);
  process.exit(EXIT_MISSING_COMPONENT);
}

/** Runs a command with the output shown; stops the setup when it fails. */
function run(command, args, what) {
  say(`${what}: ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status}`;
    fail(`${what} failed (${why}); run it by hand: ${[command, ...args].join(' ')}`);
  }
}

function onPath(command) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification time of the files below dir (0 when there are none). */
function newestBelow(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestBelow(full) : (mtimeMs(full) ?? 0);
    if (t > newest) newest = t;
  }
  return newest;
}

function debianPackages() {
  const list = JSON.parse(fs.readFileSync(path.join(ROOT, 'src/stack/debian-packages.json'), 'utf8'));
  return list.packages;
}

/** The packages dpkg does not list as installed ("ii"); a removed package keeping its config shows "rc". */
function missingPackages(packages) {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\\n', ...packages], {
    encoding: 'utf8',
  });
  if (query.error) return undefined; // no dpkg: not a Debian/Ubuntu machine
  const installed = new Set();
  for (const line of query.stdout.split('\n')) {
    const [name, status] = line.trim().split(/\s+/);
    if (name && status && status.startsWith('ii')) installed.add(name);
  }
  return packages.filter((p) => !installed.has(p));
}

function ensureDebianPackages(done) {
  const packages = debianPackages();
  const missing = missingPackages(packages);
  if (missing === undefined) {
    fail(
      `this is not a Debian/Ubuntu machine (no dpkg-query): install ${packages.join(', ')} yourself, ` +
        'or run the stack with docker/docker-compose.yml (see docker/README.md)',
    );
  }
  if (missing.length === 0) return;
  const install = ['install', '-y', '-q', '--no-install-recommends', ...missing];
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!asRoot && !onPath('sudo')) {
    fail(
      `missing Debian packages ${missing.join(', ')}; there is no sudo here, so run as root: ` +
        `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  }
  const prefix = asRoot ? [] : ['sudo'];
  const aptGet = (args) => (asRoot ? ['apt-get', args] : ['sudo', ['apt-get', ...args]]);
  process.env.DEBIAN_FRONTEND = 'noninteractive';
  run(...aptGet(['update', '-q']), `updating the package lists for ${missing.join(', ')}`);
  run(...aptGet(install), 'installing the Debian packages');
  const still = missingPackages(packages) || missing;
  if (still.length > 0) {
    fail(
      `${still.join(', ')} still not installed after apt-get; install by hand: ` +
        `${prefix.join(' ')}${prefix.length ? ' ' : ''}apt-get install -y --no-install-recommends ${still.join(' ')}`,
    );
  }
  done.push(`installed ${missing.join(', ')}`);
}

function ensureNodeModules(done) {
  // npm writes node_modules/.package-lock.json on every install: older than package-lock.json means stale.
  const installed = mtimeMs(path.join(ROOT, 'node_modules/.package-lock.json'));
  const lock = mtimeMs(path.join(ROOT, 'package-lock.json'));
  if (installed !== undefined && lock !== undefined && installed >= lock) return;
  run('npm', ['ci', '--no-audit', '--no-fund'], 'installing the npm dependencies');
  done.push('ran npm ci');
}

function ensureBuild(done) {
  const built = mtimeMs(path.join(ROOT, 'dist/cli.js'));
  const sources = Math.max(
    newestBelow(path.join(ROOT, 'src')),
    ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => mtimeMs(path.join(ROOT, f)) ?? 0),
  );
  if (built !== undefined && built >= sources) return;
  run('npm', ['run', 'build', '--silent'], 'building the CLI');
  done.push('built dist/');
}

function main() {
  const done = [];
  ensureDebianPackages(done);
  ensureNodeModules(done);
  ensureBuild(done);
  const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(2);
  if (done.length === 0) {
    say(`nothing needed: Debian packages, node_modules and dist/ are up to date (${seconds} s)`);
  } else {
    say(`${done.join('; ')} (${seconds} s)`);
  }
}

main();
