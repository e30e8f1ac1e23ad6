import fs from 'node:fs';
import { stackDown } from '../../src/stack/stack';
import { STACK_ENV, type IntegrationStack } from '../support/integration-stack';

export default async function teardown(): Promise<void> {
  const raw = process.env[STACK_ENV];
  if (!raw) return;
  const stack = JSON.parse(raw) as IntegrationStack;
  const results = await stackDown(stack.root);
  console.log(
    `\nintegration stack stopped: ${results.map((r) => `${r.name} pid ${r.pid ?? '-'}`).join(', ')}`,
  );
  if (!process.env.HEALTHLAKE_IT_KEEP) fs.rmSync(stack.root, { recursive: true, force: true });
}
