import type { StackSettings } from '../../src/stack/stack-files';

/** The stack that test/integration/stack-setup.ts started for this jest run. */
export interface IntegrationStack extends StackSettings {
  graphiteUrl: string;
}

export const STACK_ENV = 'HEALTHLAKE_IT_STACK';

export function integrationStack(): IntegrationStack {
  const raw = process.env[STACK_ENV];
  if (!raw)
    throw new Error(`${STACK_ENV} is not set: integration tests run under jest's "integration" project`);
  return JSON.parse(raw) as IntegrationStack;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll until `read` returns a value that `done` accepts. New metrics take up to ~1 s to become readable
 * (carbon's writer sleeps when idle), so tests poll instead of sleeping a fixed time.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 10000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err; // a render racing a file creation can 500 transiently
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}; last error: ${String(lastError)}`,
  );
}
