import path from 'node:path';
import type { Argv } from 'yargs';
import type { GlobalOptions } from '../cli';
import { BUILTIN_TEMPLATES_DIR } from '../templates/registry';

/** Options shared by the commands that read check definitions. */
export interface CheckSourceArgs extends GlobalOptions {
  checks: string;
  templates: string;
  env?: string;
  json: boolean;
}

export const BUILTIN_CHECKS_DIR = path.resolve(__dirname, '..', '..', 'checks');

export function withCheckSourceOptions<T extends GlobalOptions>(y: Argv<T>): Argv<T & CheckSourceArgs> {
  return y
    .option('checks', {
      type: 'string',
      default: BUILTIN_CHECKS_DIR,
      defaultDescription: 'the bundled checks/',
      describe: 'Folder of check definitions (*.yaml directly in it)',
    })
    .option('templates', {
      type: 'string',
      default: BUILTIN_TEMPLATES_DIR,
      defaultDescription: 'the bundled templates/',
      describe: 'Folder of Graphite target templates (*.mustache); a new file is a new heuristic',
    })
    .option('env', { type: 'string', describe: 'Only this environment (of files that declare environments)' })
    .option('json', { type: 'boolean', default: false, describe: 'Print JSON on stdout' }) as Argv<
    T & CheckSourceArgs
  >;
}
