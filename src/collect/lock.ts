import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ExitCode, HealthlakeError } from '../errors';

/**
 * One collect at a time per data directory: two cron runs that overlap would write the same archive files
 * and summary rows. The second run exits at once with a clear message instead of waiting.
 */
export async function acquireCollectLock(dataDir: string): Promise<() => Promise<void>> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const target = path.join(dataDir, 'collect');
  fs.closeSync(fs.openSync(target, 'a'));
  try {
    // A lock older than `stale` (its holder crashed without releasing it) is taken over.
    return await lockfile.lock(target, { stale: 10 * 60 * 1000, update: 30 * 1000, retries: 0 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new HealthlakeError(
        `another healthlake collect is running on ${dataDir} (lock ${target}.lock); this run did nothing`,
        ExitCode.locked,
      );
    }
    throw err;
  }
}
