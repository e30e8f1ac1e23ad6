import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli';

// A script that reads `auth status --json` gets JSON on stdout in every case, also when there is no usable
// authorisation (exit 6); the one line on stderr says what to do.
it('auth status --json without a token: exit 6, JSON saying so on stdout, one line on stderr', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-auth-json-'));
  try {
    const tokenFile = path.join(dir, 'google-token.json');
    const run = await runCli(['auth', 'status', '--json'], { HEALTHLAKE_DATA_DIR: dir, HOME: dir });
    expect(run.code).toBe(6);
    expect(JSON.parse(run.stdout)).toEqual({
      authorised: false,
      file: tokenFile,
      reason: `Google authorisation is missing or expired: run \`healthlake auth\` (no token file at ${tokenFile})`,
    });
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
