/**
 * scripts/setup.js, the setup step `npm test` and `npm run demo` run first, in a throwaway copy of the
 * project with stand-ins for dpkg-query, apt-get, sudo and npm on PATH (each records how it was called).
 * Privilege is real, not stubbed: the unprivileged cases run as uid 65534 (setpriv) when the suite runs as
 * root, and the root cases run in a user namespace (unshare --map-root-user) when it does not.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../scripts/setup.js');
const PACKAGES = ['graphite-carbon', 'graphite-web', 'gunicorn'];
const isRoot = process.getuid?.() === 0;

interface Project {
  root: string;
  bin: string;
  /** Every stand-in command appends "name args..." here. */
  calls: () => string[];
}

function write(file: string, text: string, mode = 0o666) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o777 });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
}

function setMtime(file: string, secondsAgo: number) {
  const t = new Date(Date.now() - secondsAgo * 1000);
  fs.utimesSync(file, t, t);
}

/** A project that is ready: packages installed, node_modules newer than the lock, dist newer than src. */
function readyProject(
  options: { installed?: string[]; sudo?: boolean; dpkg?: boolean; aptFails?: boolean } = {},
): Project {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-setup-'));
  fs.chmodSync(root, 0o777);
  const bin = path.join(root, 'fake-bin');
  const log = path.join(root, 'calls.log');
  const state = path.join(root, 'installed');
  write(log, '');
  write(state, (options.installed ?? PACKAGES).map((p) => `${p}\n`).join(''));
  write(path.join(root, 'scripts/setup.js'), fs.readFileSync(SCRIPT, 'utf8'), 0o755);
  write(path.join(root, 'src/stack/debian-packages.json'), JSON.stringify({ packages: PACKAGES }));
  write(path.join(root, 'src/cli.ts'), 'export {};\n');
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'])
    write(path.join(root, f), '{}\n');
  write(path.join(root, 'node_modules/.package-lock.json'), '{}\n');
  write(path.join(root, 'dist/cli.js'), '\n');
  for (const f of ['src/cli.ts', 'src/stack/debian-packages.json', 'package.json', 'tsconfig.json'])
    setMtime(path.join(root, f), 300);
  for (const f of ['tsconfig.build.json', 'package-lock.json']) setMtime(path.join(root, f), 300);
  setMtime(path.join(root, 'node_modules/.package-lock.json'), 200);
  setMtime(path.join(root, 'dist/cli.js'), 100);

  // Stand-ins use shell builtins only: PATH holds nothing but this folder.
  const record = `printf '%s\\n' "\${0##*/} $*" >> '${log}'`;
  if (options.dpkg !== false) {
    write(
      path.join(bin, 'dpkg-query'),
      `#!/bin/sh\n${record}\nshift 2\nfor p in "$@"; do\n  while read -r have; do [ "$have" = "$p" ] && echo "$p ii " ; done < '${state}'\ndone\nexit 0\n`,
      0o755,
    );
  }
  write(
    path.join(bin, 'apt-get'),
    `#!/bin/sh\n${record}\n${options.aptFails ? 'exit 100\n' : ''}[ "$1" = install ] || exit 0\nshift 4\nfor p in "$@"; do echo "$p" >> '${state}'; done\n`,
    0o755,
  );
  if (options.sudo) write(path.join(bin, 'sudo'), `#!/bin/sh\n${record}\nexec "$@"\n`, 0o755);
  write(
    path.join(bin, 'npm'),
    `#!/bin/sh\n${record}\n[ "$1" = ci ] && echo '{}' > '${root}/node_modules/.package-lock.json'\n` +
      `[ "$1" = run ] && echo '' > '${root}/dist/cli.js'\nexit 0\n`,
    0o755,
  );
  return { root, bin, calls: () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

function onRealPath(command: string): string {
  if (path.isAbsolute(command)) return command;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const full = path.join(dir, command);
    if (dir && fs.existsSync(full)) return full;
  }
  throw new Error(`${command} is not installed (util-linux provides setpriv and unshare)`);
}

function runSetup(project: Project, as: 'root' | 'user') {
  const node = process.execPath;
  const script = path.join(project.root, 'scripts/setup.js');
  let command: string[];
  if (as === 'user')
    command = isRoot
      ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', node, script]
      : [node, script];
  else command = isRoot ? [node, script] : ['unshare', '--map-root-user', node, script];
  // setpriv/unshare come from the test's own PATH; the script itself sees only the stand-ins.
  const result = spawnSync(onRealPath(command[0] as string), command.slice(1), {
    env: { PATH: project.bin, HOME: project.root },
    encoding: 'utf8',
    cwd: os.tmpdir(),
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('scripts/setup.js', () => {
  let project: Project | undefined;
  afterEach(() => {
    if (project) fs.rmSync(project.root, { recursive: true, force: true });
    project = undefined;
  });

  it('does nothing on a ready machine and says so in one line', () => {
    project = readyProject();
    const r = runSetup(project, 'user');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^healthlake setup: nothing needed: Debian packages, node_modules and dist\/ are up to date \(\d+\.\d\d s\)$/,
      ),
    ]);
    expect(r.stderr).toBe('');
    expect(project.calls().map((c) => c.split(' ')[0])).toEqual(['dpkg-query']);
  });

  it('as root installs only the missing package with apt-get directly', () => {
    project = readyProject({ installed: ['graphite-carbon', 'gunicorn'], sudo: true });
    const r = runSetup(project, 'root');
    expect(r.status).toBe(0);
    const calls = project.calls().filter((c) => !c.startsWith('dpkg-query'));
    expect(calls).toEqual([
      'apt-get update -q',
      'apt-get install -y -q --no-install-recommends graphite-web',
    ]);
    expect(r.stdout).toContain('healthlake setup: installed graphite-web');
  });

  it('without root goes through sudo', () => {
    project = readyProject({ installed: ['graphite-carbon'], sudo: true });
    const r = runSetup(project, 'user');
    expect(r.status).toBe(0);
    expect(project.calls().filter((c) => !c.startsWith('dpkg-query'))).toEqual([
      'sudo apt-get update -q',
      'apt-get update -q',
      'sudo apt-get install -y -q --no-install-recommends graphite-web gunicorn',
      'apt-get install -y -q --no-install-recommends graphite-web gunicorn',
    ]);
  });

  it('without root and without sudo names the exact command and exits 4, installing nothing', () => {
    project = readyProject({ installed: ['graphite-carbon', 'gunicorn'] });
    const r = runSetup(project, 'user');
    expect(r.status).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'healthlake setup: missing Debian packages graphite-web; there is no sudo here, so run as root: ' +
        'apt-get update && apt-get install -y --no-install-recommends graphite-web\n',
    );
    expect(project.calls().filter((c) => !c.startsWith('dpkg-query'))).toEqual([]);
  });

  it('exits 4 with the command to run by hand when apt-get fails', () => {
    project = readyProject({ installed: [], aptFails: true });
    const r = runSetup(project, 'root');
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('failed (exit 100); run it by hand: apt-get update -q');
  });

  it('on a machine without dpkg points to the compose file and exits 4', () => {
    project = readyProject({ dpkg: false });
    const r = runSetup(project, 'user');
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('not a Debian/Ubuntu machine');
    expect(r.stderr).toContain('docker/docker-compose.yml');
  });

  it('runs npm ci when node_modules is missing, then builds when dist/ is older than the sources', () => {
    project = readyProject();
    fs.rmSync(path.join(project.root, 'node_modules'), { recursive: true });
    setMtime(path.join(project.root, 'dist/cli.js'), 400);
    const r = runSetup(project, 'user');
    expect(r.status).toBe(0);
    expect(project.calls().filter((c) => c.startsWith('npm'))).toEqual([
      'npm ci --no-audit --no-fund',
      'npm run build --silent',
    ]);
    expect(r.stdout).toMatch(/healthlake setup: ran npm ci; built dist\/ \(/);
  });

  it('runs npm ci when package-lock.json is newer than node_modules, and then nothing more', () => {
    project = readyProject();
    setMtime(path.join(project.root, 'package-lock.json'), 10);
    // the real npm ci also builds (prepare); here the build is already newer than the sources
    const r = runSetup(project, 'user');
    expect(r.status).toBe(0);
    expect(project.calls().filter((c) => c.startsWith('npm'))).toEqual(['npm ci --no-audit --no-fund']);
    const again = runSetup(project, 'user');
    expect(again.stdout).toContain('nothing needed');
  });
});
