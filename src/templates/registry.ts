import fs from 'node:fs';
import path from 'node:path';
import { InputError, InputProblem } from '../errors';
import { loadTemplate, Template } from './template';

/**
 * The set of templates a run can use: every `*.mustache` file in a folder, keyed by file name without the
 * extension. A user adds a heuristic by dropping a file in; nothing is registered in code.
 */

/** The templates shipped with healthlake. Resolves the same from `src/templates` (ts-jest) and `dist/templates`. */
export const BUILTIN_TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates');

const TEMPLATE_EXTENSION = '.mustache';

/**
 * Loads every template in `dir`, sorted by name. Problems in several files are reported together, so one run
 * shows everything to fix.
 */
export function loadTemplates(dir: string = BUILTIN_TEMPLATES_DIR): Map<string, Template> {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (err) {
    throw InputError.single(`cannot read the template folder: ${(err as Error).message}`, { file: dir });
  }
  const templates = new Map<string, Template>();
  const problems: InputProblem[] = [];
  for (const entry of entries.filter((e) => e.endsWith(TEMPLATE_EXTENSION)).sort()) {
    try {
      const template = loadTemplate(path.join(dir, entry));
      templates.set(template.name, template);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return templates;
}

/** The template for a check's `heuristic`; the error lists the available names. */
export function getTemplate(templates: ReadonlyMap<string, Template>, name: string): Template {
  const template = templates.get(name);
  if (template) return template;
  const available = [...templates.keys()].join(', ') || 'none';
  throw InputError.single(`unknown heuristic "${name}" (available: ${available})`, { field: 'heuristic' });
}
