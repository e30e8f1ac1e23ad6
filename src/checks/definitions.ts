import fs from 'node:fs';
import path from 'node:path';
import type { ZodIssue } from 'zod';
import { InputError, type InputProblem } from '../errors';
import type { Resolution, Template, TemplateVars } from '../templates/template';
import { checkRange } from '../templates/template';
import { loadYamlWithPositions, type LocatedYaml, type YamlPath } from '../util/yaml-positions';
import {
  checkFileSchema,
  type CheckEntry,
  type CheckFile,
  type SubscriptionDefinition,
} from './definition-schema';
import { lintCheck, type Direction } from './lint';
import { didYouMean } from '../util/did-you-mean';

/**
 * One heuristic applied to one metric (still possibly a glob) in one environment, validated and with every
 * default filled in. Wildcard expansion turns it into concrete checks later.
 */
export interface CheckSpec {
  file: string;
  line?: number;
  env?: string;
  /** The metric as declared after `{{env}}` substitution; may hold Graphite globs. */
  metric: string;
  heuristic: string;
  template: Template;
  resolution: Resolution;
  /** Explicit params only; the template's defaults for the resolution fill the rest when rendering. */
  vars: TemplateVars;
  from: string;
  until: string;
  warn: number;
  error: number;
  direction: Direction;
  enabled: boolean;
  allowNoData: boolean;
  subscriptions: SubscriptionDefinition[];
}

export interface LoadOptions {
  /** Only this environment (files without `environments` are unaffected). */
  env?: string;
  /** Replaces {{prefix}} in metric paths (HEALTHLAKE_PREFIX). */
  prefix?: string;
  /** Values for ${NAME} in subscription targets; default process.env. */
  variables?: NodeJS.ProcessEnv;
}

/** The example definitions shipped with healthlake. Resolves the same from `src/checks` (ts-jest) and `dist/checks`. */
export const BUILTIN_CHECKS_DIR = path.resolve(__dirname, '..', '..', 'checks');

/** Every `*.yaml`/`*.yml` directly in `dir` (not sub-folders: `checks/tests/` holds check tests). */
export function checkFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    throw InputError.single(`cannot read the checks folder: ${(err as Error).message}`, { file: dir });
  }
  return names
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => path.join(dir, n))
    .filter((f) => fs.statSync(f).isFile());
}

/** Loads and validates every definition file; throws one InputError listing every problem of every file. */
export function loadCheckSpecs(
  dir: string,
  templates: ReadonlyMap<string, Template>,
  options: LoadOptions = {},
) {
  const specs: CheckSpec[] = [];
  const problems: InputProblem[] = [];
  const environments = new Set<string>();
  const files = checkFiles(dir);
  if (files.length === 0) throw InputError.single('no check definitions (*.yaml) found', { file: dir });
  for (const file of files) {
    const result = parseCheckFile(fs.readFileSync(file, 'utf8'), file, templates, options);
    specs.push(...result.specs);
    problems.push(...result.problems);
    for (const env of result.environments) environments.add(env);
  }
  if (problems.length > 0) throw new InputError(problems);
  if (options.env !== undefined && !environments.has(options.env)) {
    const known = [...environments].sort();
    throw InputError.single(
      known.length === 0
        ? `no check file in ${dir} declares environments, so "${options.env}" selects nothing`
        : `unknown environment "${options.env}"${didYouMean(options.env, known)} (declared: ${known.join(', ')})`,
      { field: '--env' },
    );
  }
  return specs;
}

/** Pure: one file's text to specs and problems. */
export function parseCheckFile(
  text: string,
  file: string,
  templates: ReadonlyMap<string, Template>,
  options: LoadOptions = {},
): { specs: CheckSpec[]; problems: InputProblem[]; environments: string[] } {
  let located: LocatedYaml;
  try {
    located = loadYamlWithPositions(text, file);
  } catch (err) {
    if (err instanceof InputError) return { specs: [], problems: err.problems, environments: [] };
    throw err;
  }
  const parsed = checkFileSchema.safeParse(located.doc ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => zodProblem(issue, file, located));
    return { specs: [], problems, environments: [] };
  }
  const def: CheckFile = parsed.data;
  const specs: CheckSpec[] = [];
  const problems: InputProblem[] = [];
  const variables = options.variables ?? process.env;
  const expandTargets = (subs: SubscriptionDefinition[] | undefined, at_: YamlPath) =>
    subs?.forEach((sub, i) => {
      sub.target = sub.target.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
        const value = variables[name];
        if (value === undefined || value === '') {
          problems.push(at(located, file, [...at_, i, 'target'], `environment variable ${name} is not set`));
          return whole;
        }
        return value;
      });
    });
  expandTargets(def.defaults.subscriptions, ['defaults', 'subscriptions']);
  def.checks.forEach((entry, i) => expandTargets(entry.subscriptions, ['checks', i, 'subscriptions']));
  // Every environment is validated whatever `env` asks for: a problem that shows only in another environment
  // must not let its checks disappear silently (with --prune they would be deleted from Seyren).
  const envs = def.environments ?? [undefined];
  const wanted = (env: string | undefined) =>
    options.env === undefined || env === undefined || env === options.env;
  def.checks.forEach((entry, index) => {
    const entryPath: YamlPath = ['checks', index];
    if (entry.metric.includes('{{env}}') && !def.environments) {
      problems.push(
        at(located, file, [...entryPath, 'metric'], 'uses {{env}} but the file declares no `environments`'),
      );
      return;
    }
    const unknownOverride = Object.keys(entry.overrides).filter((e) => !def.environments?.includes(e));
    if (unknownOverride.length > 0) {
      const declared = def.environments?.join(', ') ?? 'none';
      problems.push(
        at(
          located,
          file,
          [...entryPath, 'overrides', unknownOverride[0]!],
          `overrides an environment the file does not declare: ${unknownOverride.join(', ')} (declared: ${declared})`,
        ),
      );
    }
    const leftover = /\{\{\s*([^}]*)\}\}/.exec(substitute(entry.metric, { env: 'env', prefix: 'prefix' }));
    if (leftover) {
      problems.push(
        at(
          located,
          file,
          [...entryPath, 'metric'],
          `unknown placeholder {{${leftover[1]}}} (known: {{env}}, {{prefix}})`,
        ),
      );
      return;
    }
    for (const env of envs) {
      const metric = substitute(entry.metric, { env, prefix: options.prefix ?? 'health' });
      for (const [heuristic, settings] of Object.entries(entry.heuristics)) {
        const hPath: YamlPath = [...entryPath, 'heuristics', heuristic];
        const template = templates.get(heuristic);
        if (!template) {
          // One problem per heuristic, not one per environment.
          if (env === envs[0]) {
            const names = [...templates.keys()].sort();
            problems.push(
              at(
                located,
                file,
                hPath,
                `unknown heuristic "${heuristic}"${didYouMean(heuristic, names)} (templates: ${names.join(', ')})`,
              ),
            );
          }
          continue;
        }
        const override = env !== undefined ? entry.overrides[env]?.[heuristic] : undefined;
        const spec = buildSpec({ file, def, entry, env, metric, heuristic, template, settings, override });
        const lint = lintCheck({
          metric,
          heuristic,
          template,
          vars: spec.vars,
          resolution: spec.resolution,
          from: spec.from,
          until: spec.until,
          warn: spec.warn,
          error: spec.error,
          allowWildcards: true,
          expandsWildcards: true,
          location: {},
        });
        if (lint.problems.length > 0) {
          const envNote = env !== undefined ? ` (environment ${env})` : '';
          for (const p of lint.problems) {
            const field = p.field ?? '';
            const fieldPath = field === 'metric' ? [...entryPath, 'metric'] : [...hPath, ...field.split('.')];
            problems.push(at(located, file, fieldPath, `${p.message}${envNote}`));
          }
          continue;
        }
        if (wanted(env)) specs.push({ ...spec, line: located.lineOf(hPath), direction: lint.direction });
      }
    }
  });
  return { specs, problems, environments: def.environments ?? [] };
}

function buildSpec(a: {
  file: string;
  def: CheckFile;
  entry: CheckEntry;
  env?: string;
  metric: string;
  heuristic: string;
  template: Template;
  settings: CheckEntry['heuristics'][string];
  override?: CheckEntry['overrides'][string][string];
}): Omit<CheckSpec, 'direction'> & { warn: number; error: number } {
  const resolution = a.entry.resolution ?? a.def.defaults.resolution;
  const vars: TemplateVars = { ...a.settings.params, ...(a.override?.params ?? {}) };
  // from/until: heuristic settings, then file defaults, then the template's defaults for the resolution.
  const templateRange = checkRange(a.template, {}, resolution);
  return {
    file: a.file,
    env: a.env,
    metric: a.metric,
    heuristic: a.heuristic,
    template: a.template,
    resolution,
    vars,
    from: a.settings.from ?? a.def.defaults.from ?? templateRange.from,
    until: a.settings.until ?? a.def.defaults.until ?? templateRange.until,
    // Left as given: lint reports non-numbers with the field named.
    warn: (a.override?.warn ?? a.settings.warn) as number,
    error: (a.override?.error ?? a.settings.error) as number,
    enabled: a.override?.enabled ?? a.settings.enabled ?? a.def.defaults.enabled,
    allowNoData: a.entry.allowNoData ?? a.def.defaults.allowNoData,
    subscriptions: a.entry.subscriptions ?? a.def.defaults.subscriptions,
  };
}

function substitute(metric: string, values: Record<string, string | undefined>): string {
  let out = metric;
  for (const [name, value] of Object.entries(values))
    if (value !== undefined) out = out.split(`{{${name}}}`).join(value);
  return out;
}

function at(located: LocatedYaml, file: string, fieldPath: YamlPath, message: string): InputProblem {
  return { file, line: located.lineOf(fieldPath), field: formatPath(fieldPath), message };
}

function zodProblem(issue: ZodIssue, file: string, located: LocatedYaml): InputProblem {
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown key(s): ${issue.keys.join(', ')}`;
  const fieldPath = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  return at(located, file, fieldPath, message);
}

/** `checks[0].heuristics.cv.warn` */
export function formatPath(p: YamlPath): string {
  return p.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    '',
  );
}
