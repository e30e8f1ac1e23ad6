import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import Mustache from 'mustache';
import { z } from 'zod';
import { InputError, InputProblem } from '../errors';
import { validateMetricName } from '../checks/metric-name';
import { parseRelativeTime } from '../time';
import { didYouMean } from '../util/did-you-mean';

/**
 * A check template: `templates/<name>.mustache` holds YAML front matter between `---` lines, then one Graphite
 * target with `{{metric}}` and the template's params. Front matter defaults are per resolution profile because
 * the right window, shift or seasonality depends on the metric's step.
 */

/** `daily`: one point a day (health metrics, 1d:5y). `fine`: 10 s points (app metrics, 10s:1d,1m:30d). */
export type Resolution = 'daily' | 'fine';
export const RESOLUTIONS: readonly Resolution[] = ['daily', 'fine'];
export const RESOLUTION_STEP_SECONDS: Readonly<Record<Resolution, number>> = { daily: 86400, fine: 10 };

export type TemplateVars = Record<string, string | number>;

export interface Template {
  name: string;
  file: string;
  description: string;
  /** Variables a check must end up with besides `metric` (from the check or from the defaults). */
  params: string[];
  /** Default params plus `from`/`until`, per resolution. */
  defaults: Record<Resolution, TemplateVars>;
  /** The Graphite target with mustache variables, one line. */
  body: string;
}

/**
 * Values substituted into a target. Quotes, parentheses, commas and spaces are excluded so that a param can
 * never close a function call or add arguments: `window: "14),sumSeries(x"` must not become Graphite syntax.
 */
export const SAFE_PARAM_VALUE_RE = /^[A-Za-z0-9_.:+-]+$/;

const VARIABLE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TEMPLATE_NAME_RE = /^[A-Za-z0-9_-]+$/;
const FRONT_MATTER_RE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/;
/** Line 1 of the file is the opening `---`, so YAML line n (0-based in js-yaml) is file line n + 2. */
const FRONT_MATTER_FIRST_LINE = 2;

const variableName = z.string().regex(VARIABLE_NAME_RE, 'must be a variable name (letters, digits, _)');
const profileDefaults = z
  .object({ from: z.string(), until: z.string() })
  .catchall(z.union([z.string(), z.number().finite()]));
const frontMatterSchema = z
  .object({
    description: z.string().min(1),
    params: z.array(variableName).default([]),
    defaults: z.object({ daily: profileDefaults, fine: profileDefaults }).strict(),
  })
  .strict();

type MustacheToken = [string, string, number, number, MustacheToken[]?];

/** Variables the body reads: `{{x}}`, `{{{x}}}`/`{{&x}}` and `{{#x}}` sections (recursively). */
export function bodyVariables(body: string): string[] {
  const names = new Set<string>();
  const walk = (tokens: MustacheToken[]): void => {
    for (const token of tokens) {
      const [type, value, , , children] = token;
      if ((type === 'name' || type === '&' || type === '#') && value !== '.') names.add(value);
      if ((type === '#' || type === '^') && children) walk(children);
    }
  };
  walk(Mustache.parse(body) as MustacheToken[]);
  return [...names];
}

function hasPartials(body: string): boolean {
  const find = (tokens: MustacheToken[]): boolean =>
    tokens.some(([type, , , , children]) => type === '>' || (children !== undefined && find(children)));
  return find(Mustache.parse(body) as MustacheToken[]);
}

/** Parses template text; `file` names the template in errors and gives it its name (`cv.mustache` → `cv`). */
export function parseTemplate(text: string, file: string): Template {
  const name = path.basename(file, '.mustache');
  function fail(message: string, line?: number, field?: string): never {
    throw InputError.single(message, { file, line, field });
  }
  if (!TEMPLATE_NAME_RE.test(name)) fail(`template name "${name}" must be letters, digits, _ or -`);

  const match = FRONT_MATTER_RE.exec(text.replace(/^\uFEFF/, ''));
  if (!match) fail('a template starts with YAML front matter between two "---" lines, then the target');
  const [, frontMatterText = '', bodyText = ''] = match;

  let frontMatter: unknown;
  try {
    frontMatter = yaml.load(frontMatterText, { filename: file });
  } catch (err) {
    const mark = (err as { mark?: { line: number } }).mark;
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    fail(`front matter is not valid YAML: ${reason}`, mark ? mark.line + FRONT_MATTER_FIRST_LINE : undefined);
  }
  const parsed = frontMatterSchema.safeParse(frontMatter ?? {});
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((issue) => ({ file, field: issue.path.join('.') || undefined, message: issue.message })),
    );
  }

  const body = bodyText.trim();
  if (body === '') fail('the target after the front matter is empty');
  if (/[\r\n]/.test(body)) fail('the target must be a single line (Graphite reads one target per line)');
  let used: string[] = [];
  try {
    used = bodyVariables(body);
    if (hasPartials(body)) fail('partials ({{> name}}) are not supported in targets');
  } catch (err) {
    if (err instanceof InputError) throw err;
    fail(`the target is not a valid mustache template: ${(err as Error).message}`);
  }

  const { description, params, defaults } = parsed.data;
  const problems: InputProblem[] = [];
  const known = new Set(['metric', ...params, ...Object.keys(defaults.daily), ...Object.keys(defaults.fine)]);
  for (const variable of used) {
    if (!known.has(variable)) {
      problems.push({ file, message: `the target uses {{${variable}}}, which is not in params and has no default` });
    }
  }
  for (const resolution of RESOLUTIONS) {
    for (const [key, value] of Object.entries(defaults[resolution])) {
      const field = `defaults.${resolution}.${key}`;
      if (key === 'from' || key === 'until') {
        try {
          parseRelativeTime(String(value));
        } catch (err) {
          problems.push({ file, field, message: (err as Error).message });
        }
      } else if (!SAFE_PARAM_VALUE_RE.test(String(value))) {
        problems.push({ file, field, message: `must match ${SAFE_PARAM_VALUE_RE.source}, got "${value}"` });
      }
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return { name, file, description, params, defaults: defaults as Record<Resolution, TemplateVars>, body };
}

/** Reads and parses one template file. */
export function loadTemplate(file: string): Template {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw InputError.single(`cannot read template: ${(err as Error).message}`, { file });
  }
  return parseTemplate(text, file);
}

/** The template's defaults for the resolution with the explicit vars on top. */
export function resolveVars(template: Template, vars: TemplateVars, resolution: Resolution): TemplateVars {
  return { ...template.defaults[resolution], ...vars };
}

/** `from`/`until` of a check: explicit vars win over the template's defaults for the resolution. */
export function checkRange(
  template: Template,
  vars: TemplateVars,
  resolution: Resolution,
): { from: string; until: string } {
  const resolved = resolveVars(template, vars, resolution);
  return { from: String(resolved.from), until: String(resolved.until) };
}

/**
 * Why the template cannot be rendered with these vars, without throwing: missing variables and param values
 * that could inject Graphite syntax. The metric's grammar is left to validateMetricName (its policy on
 * wildcards belongs to the caller).
 */
export function renderProblems(template: Template, vars: TemplateVars, resolution: Resolution): InputProblem[] {
  const view = resolveVars(template, vars, resolution);
  const required = [...new Set([...template.params, ...bodyVariables(template.body)])];
  const problems: InputProblem[] = [];
  // A misspelled parameter (`windwo`) would otherwise be ignored and the default used without a word.
  const known = required.filter((v) => v !== 'metric');
  for (const name of Object.keys(vars)) {
    if (name === 'metric' || known.includes(name)) continue;
    problems.push({
      field: `params.${name}`,
      message:
        `template "${template.name}" has no parameter "${name}"${didYouMean(name, known)} ` +
        `(its parameters: ${known.join(', ') || 'none'})`,
    });
  }
  for (const variable of required) {
    const field = variable === 'metric' ? 'metric' : `params.${variable}`;
    const value: unknown = view[variable];
    if (value === undefined || value === null || value === '') {
      problems.push({ field, message: `template "${template.name}": missing variable "${variable}"` });
    } else if (variable === 'metric') {
      continue;
    } else if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string') {
      problems.push({ field, message: `template "${template.name}": "${variable}" must be a string or a number` });
    } else if (!SAFE_PARAM_VALUE_RE.test(String(value))) {
      problems.push({
        field,
        message:
          `template "${template.name}": value of "${variable}" may only contain letters, digits and _ . : + - ` +
          `(got "${value}"); quotes, parentheses, commas and spaces would change the Graphite target`,
      });
    }
  }
  return problems;
}

/**
 * The Graphite target for `vars` (which include `metric`) at the resolution. Throws InputError for missing
 * variables, unsafe param values, or a metric that is not a Graphite path (wildcards are allowed here).
 */
export function renderTarget(template: Template, vars: TemplateVars, resolution: Resolution): string {
  const problems = renderProblems(template, vars, resolution);
  const metric = vars.metric;
  if (metric !== undefined && metric !== '') {
    const metricProblem = validateMetricName(String(metric), { allowWildcards: true });
    if (metricProblem) problems.push({ field: 'metric', message: metricProblem });
  }
  if (problems.length > 0) throw new InputError(problems);
  // Graphite targets are not HTML: the default escape would turn `&` into `&amp;` and `=` into `&#x3D;`.
  // Passing `escape` per call leaves the global Mustache.escape alone for anyone else rendering HTML.
  return Mustache.render(template.body, resolveVars(template, vars, resolution), {}, { escape: String });
}
