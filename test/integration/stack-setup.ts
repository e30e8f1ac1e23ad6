import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { stackDown, stackUp, type StackStatus } from '../../src/stack/stack';
import { createLogger } from '../../src/util/log';
import { freeStackPorts } from '../support/ports';
import {
  CLUSTER_NODES,
  STACKS_ENV,
  TOPOLOGIES,
  type IntegrationStack,
  type Topology,
} from '../support/integration-stack';

/**
 * Starts the real stacks for all integration tests, in parallel, on free loopback ports in temporary folders:
 * `single` (carbon-cache + graphite-web + statsD) for the jest project "integration", `cluster` (carbon-c-relay
 * over two carbon-caches, a graphite-web per node, a front graphite-web, statsD) for "integration-cluster".
 * Both projects name this file, and jest runs a global setup module once. HEALTHLAKE_IT_TOPOLOGIES=single (or
 * cluster) starts one only, for a developer who runs one project (`--selectProjects integration`). No test is
 * skipped when a component is missing: the whole run fails, saying what to install.
 */
export default async function setup(): Promise<void> {
  const only = process.env.HEALTHLAKE_IT_TOPOLOGIES?.split(',').map((t) => t.trim());
  const wanted = TOPOLOGIES.filter((t) => !only || only.includes(t));
  const started = Date.now();
  const stacks = await Promise.allSettled(wanted.map((t) => startStack(t)));
  const up = stacks.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = stacks.flatMap((s) =>
    s.status === 'rejected' ? [String((s.reason as Error).message)] : [],
  );
  if (failed.length > 0) {
    // jest runs no global teardown after a failed setup: stop what did start
    await Promise.all(up.map(({ stack }) => stackDown(stack.root)));
    for (const { stack } of up) fs.rmSync(stack.root, { recursive: true, force: true });
    throw new Error(
      `Integration tests need the real Graphite stacks and one did not start:\n${failed.join('\n')}`,
    );
  }
  process.env[STACKS_ENV] = JSON.stringify(Object.fromEntries(up.map((s) => [s.stack.topology, s.stack])));
  const version = (url: string) =>
    axios.get(`${url}/version`).then(
      (r) => String(r.data).trim(),
      () => '?',
    );
  const lines = [`\nintegration stacks ready in ${Date.now() - started} ms (started in parallel):`];
  for (const { stack, status } of up) {
    lines.push(`  ${stack.topology}: ${stack.root}, graphite-web ${await version(stack.graphiteUrl)}`);
    for (const c of status.components) lines.push(`    ${c.name.padEnd(14)} pid ${c.pid}  ${c.endpoint}`);
  }
  const statsdVersion = (
    JSON.parse(fs.readFileSync(require.resolve('statsd/package.json'), 'utf8')) as { version: string }
  ).version;
  console.log(`${lines.join('\n')}\n  (statsd ${statsdVersion} from npm)\n`);
}

async function startStack(topology: Topology): Promise<{ stack: IntegrationStack; status: StackStatus }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `healthlake-it-${topology}-`));
  const ports = await freeStackPorts(topology === 'cluster' ? CLUSTER_NODES : 1);
  const stack: IntegrationStack = {
    topology,
    root,
    prefix: 'health',
    statsdFlushMs: 1000,
    ...ports,
    graphiteUrl: `http://127.0.0.1:${ports.webPort}`,
  };
  try {
    return { stack, status: await stackUp(stack, createLogger('warn')) };
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`the ${topology} stack: ${(err as Error).message}`);
  }
}
