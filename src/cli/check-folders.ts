import fs from 'node:fs';
import path from 'node:path';
import { BUILTIN_CHECKS_DIR, loadCheckSpecs, type CheckSpec } from '../checks/definitions';
import { BUILTIN_TEMPLATES_DIR, loadTemplates } from '../templates/registry';
import type { Template } from '../templates/template';
import type { CommandContext } from './context';

/**
 * Where check definitions and templates are read from: the folder given, else `./checks` and `./templates`
 * when the current directory has them, else the examples bundled with healthlake. Whenever a default is
 * taken, one notice says which folders are used: a provision-checks run from the wrong directory must not
 * silently push the bundled examples (with their example subscriptions).
 */
export interface CheckFolders {
  checks: string;
  templates: string;
}

export function resolveCheckFolders(
  given: { checks?: string; templates?: string },
  ctx: Pick<CommandContext, 'cwd' | 'notice'>,
): CheckFolders {
  const local = (name: string) => {
    const dir = path.join(ctx.cwd, name);
    return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ? dir : undefined;
  };
  const localChecks = given.checks === undefined ? local('checks') : undefined;
  const localTemplates = given.templates === undefined ? local('templates') : undefined;
  const folders: CheckFolders = {
    checks: path.resolve(ctx.cwd, given.checks ?? localChecks ?? BUILTIN_CHECKS_DIR),
    templates: path.resolve(ctx.cwd, given.templates ?? localTemplates ?? BUILTIN_TEMPLATES_DIR),
  };
  const described = (kind: 'checks' | 'templates', localDir: string | undefined) =>
    localDir !== undefined ? `./${kind}` : `the bundled example ${kind} (no ./${kind} here)`;
  const parts: string[] = [];
  if (given.checks === undefined) parts.push(`checks from ${described('checks', localChecks)}`);
  if (given.templates === undefined) parts.push(`templates from ${described('templates', localTemplates)}`);
  if (parts.length > 0) {
    ctx.notice(`using ${parts.join(', ')}; --checks/--templates choose others`, {
      checks: folders.checks,
      templates: folders.templates,
    });
  }
  return folders;
}

/** The folders resolved, their templates loaded and every definition validated (InputError listing all problems). */
export function loadCheckSource(
  args: { checks?: string; templates?: string; env?: string },
  ctx: Pick<CommandContext, 'cwd' | 'notice' | 'config'>,
): { folders: CheckFolders; templates: Map<string, Template>; specs: CheckSpec[] } {
  const folders = resolveCheckFolders(args, ctx);
  const templates = loadTemplates(folders.templates);
  const specs = loadCheckSpecs(folders.checks, templates, { env: args.env, prefix: ctx.config.prefix });
  return { folders, templates, specs };
}
