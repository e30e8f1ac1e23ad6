import fs from 'node:fs';
import { stackDown } from '../../src/stack/stack';
import { STACKS_ENV, type IntegrationStack } from '../support/integration-stack';

export default async function teardown(): Promise<void> {
  const raw = process.env[STACKS_ENV];
  if (!raw) return;
  const stacks = Object.values(JSON.parse(raw) as Record<string, IntegrationStack>);
  await Promise.all(
    stacks.map(async (stack) => {
      const results = await stackDown(stack.root);
      console.log(
        `\nintegration stack ${stack.topology} stopped: ${results.map((r) => `${r.name} pid ${r.pid ?? '-'}`).join(', ')}`,
      );
      if (!process.env.HEALTHLAKE_IT_KEEP) fs.rmSync(stack.root, { recursive: true, force: true });
    }),
  );
}
