import fs from 'node:fs';
import { MissingComponentError } from '../errors';
import debianPackages from './debian-packages.json';

/**
 * The stack uses Debian's Graphite packages and Debian's python, never `python3` from PATH: a pyenv or
 * venv python cannot import Debian's dist-packages.
 */
export const SYSTEM_PYTHON = '/usr/bin/python3';
/** carbon-c-relay (Debian package of the same name, 3.7.x): the relay of a cluster stack. */
export const RELAY_BINARY = '/usr/bin/carbon-c-relay';
/** The same list scripts/setup.js installs (`npm run setup`). */
export const DEBIAN_PACKAGES: readonly string[] = debianPackages.packages;

const REQUIRED_FILES: Array<{
  path: string;
  pkg: string;
  /** Needed only by a cluster stack (--nodes 2 or more). */
  clusterOnly?: boolean;
}> = [
  { path: SYSTEM_PYTHON, pkg: 'python3' },
  { path: '/usr/bin/carbon-cache', pkg: 'graphite-carbon' },
  { path: '/usr/lib/python3/dist-packages/graphite/wsgi.py', pkg: 'graphite-web' },
  { path: '/usr/bin/django-admin', pkg: 'graphite-web' },
  { path: '/usr/bin/gunicorn', pkg: 'gunicorn' },
  { path: RELAY_BINARY, pkg: 'carbon-c-relay', clusterOnly: true },
];

/** As root; `npm run setup` in the healthlake folder does the same and uses sudo when it is not root. */
export const APT_INSTALL_LINE =
  'apt-get update && apt-get install -y --no-install-recommends ' + DEBIAN_PACKAGES.join(' ');

export interface Prerequisites {
  statsdMain: string;
}

/**
 * Throws one error listing everything that is missing and the exact commands that install it. A single-node
 * stack does not need carbon-c-relay; the install line names every package all the same.
 */
export function checkPrerequisites(
  exists: (p: string) => boolean = fs.existsSync,
  { cluster = false }: { cluster?: boolean } = {},
): Prerequisites {
  const missingPkgs = new Set<string>();
  for (const req of REQUIRED_FILES)
    if ((cluster || !req.clusterOnly) && !exists(req.path)) missingPkgs.add(req.pkg);
  const statsdMain = resolveStatsd();
  const lines: string[] = [];
  if (missingPkgs.size > 0) {
    lines.push(
      `Missing Debian packages for the local Graphite stack: ${[...missingPkgs].join(', ')}.`,
      `Install them with \`npm run setup\` in the healthlake folder, or as root:\n  ${APT_INSTALL_LINE}${missingPkgs.has('python3') ? ' python3' : ''}`,
    );
  }
  if (!statsdMain) {
    lines.push(
      'Missing the statsD daemon (npm package "statsd").',
      'Install it in the healthlake folder with:\n  npm install --no-save --omit=optional statsd@0.9.0',
    );
  }
  if (lines.length > 0) throw new MissingComponentError(lines.join('\n'));
  return { statsdMain: statsdMain as string };
}

function resolveStatsd(): string | undefined {
  try {
    return require.resolve('statsd/stats.js');
  } catch {
    return undefined;
  }
}
