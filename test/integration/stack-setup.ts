import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { stackUp } from '../../src/stack/stack';
import { createLogger } from '../../src/util/log';
import { freeStackPorts } from '../support/ports';
import { STACK_ENV, type IntegrationStack } from '../support/integration-stack';

/**
 * Starts ONE real carbon-cache + graphite-web + statsD for all integration tests, on free loopback ports in
 * a temporary folder. No test is skipped when a component is missing: the whole run fails, saying what to
 * install.
 */
export default async function setup(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-it-'));
  const ports = await freeStackPorts();
  const stack: IntegrationStack = {
    root,
    prefix: 'health',
    statsdFlushMs: 1000,
    ...ports,
    graphiteUrl: `http://127.0.0.1:${ports.webPort}`,
  };
  const started = Date.now();
  try {
    await stackUp(stack, createLogger('warn'));
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(
      `Integration tests need the real Graphite + statsD stack and it did not start:\n${(err as Error).message}`,
    );
  }
  process.env[STACK_ENV] = JSON.stringify(stack);
  const version = await axios.get(`${stack.graphiteUrl}/version`).then(
    (r) => String(r.data).trim(),
    () => '?',
  );
  const pids = ['carbon', 'web', 'statsd'].map((n) => fs.readFileSync(`${root}/run/${n}.pid`, 'utf8').trim());
  const statsdVersion = (
    JSON.parse(fs.readFileSync(require.resolve('statsd/package.json'), 'utf8')) as { version: string }
  ).version;
  console.log(
    `\nintegration stack ready in ${Date.now() - started} ms under ${root}:\n` +
      `  carbon-cache (Debian graphite-carbon) pid ${pids[0]}  plaintext 127.0.0.1:${stack.carbonPort}\n` +
      `  graphite-web ${version} (gunicorn)   pid ${pids[1]}  http://127.0.0.1:${stack.webPort}\n` +
      `  statsd ${statsdVersion} (npm)              pid ${pids[2]}  udp 127.0.0.1:${stack.statsdPort}\n`,
  );
}
